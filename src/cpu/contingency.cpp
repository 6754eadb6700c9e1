#include "cpu/contingency.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

#include "core/check.hpp"
#include "core/parallel_errors.hpp"
#include "core/validate.hpp"
#include "cpu/cpu_ops.hpp"
#include "cpu/emi_pair.hpp"
#include "embed_metrics/resources.hpp"
#include "metrics/agreement_scores.hpp"

namespace embed_metrics::cpu {
namespace {

using u64 = std::uint64_t;

constexpr std::int64_t kParallelMin = 1 << 16;  // smaller inputs run on one thread

// The smallest and the largest label.
std::pair<std::int64_t, std::int64_t> minmax(label_view l, int threads) {
  std::int64_t lo = std::numeric_limits<std::int64_t>::max();
  std::int64_t hi = std::numeric_limits<std::int64_t>::min();
#pragma omp parallel for num_threads(threads) reduction(min : lo) reduction(max : hi) schedule(static)
  for (std::int64_t i = 0; i < l.size; ++i) {
    lo = std::min(lo, l.data[i]);
    hi = std::max(hi, l.data[i]);
  }
  return {lo, hi};
}

// Distinct values of @p sizes, ascending, and how often each occurs.
void distinct_with_multiplicity(const std::vector<std::int64_t>& sizes,
                                std::vector<std::int64_t>& values,
                                std::vector<std::int64_t>& multiplicity) {
  std::vector<std::int64_t> s(sizes);
  std::sort(s.begin(), s.end());
  values.clear();
  multiplicity.clear();
  for (std::size_t i = 0; i < s.size();) {
    std::size_t j = i + 1;
    while (j < s.size() && s[j] == s[i]) ++j;
    values.push_back(s[i]);
    multiplicity.push_back(static_cast<std::int64_t>(j - i));
    i = j;
  }
}

}  // namespace

remapped_labels remap(label_view labels, int threads) {
  remapped_labels r;
  const std::int64_t n = labels.size;
  const std::int64_t* v = labels.data;
  r.ids.resize(static_cast<std::size_t>(n));
  if (n < kParallelMin) threads = 1;
  const auto [lo, hi] = minmax(labels, threads);
  // The range as unsigned: max - min of int64 values may not fit in int64.
  const u64 range = static_cast<u64>(hi) - static_cast<u64>(lo);
  const u64 direct_limit =
      std::min(std::max<u64>(static_cast<u64>(4 * n), u64{1} << 16), u64{1} << 32);
  if (range < direct_limit) {
    // Direct table over [lo, hi]: slot = id + 1, 0 = absent.
    std::vector<std::int64_t> slot(static_cast<std::size_t>(range + 1), 0);
    for (std::int64_t i = 0; i < n; ++i) slot[static_cast<u64>(v[i]) - static_cast<u64>(lo)] = 1;
    std::int64_t k = 0;
    for (u64 s = 0; s <= range; ++s) {
      if (slot[s] != 0) {
        slot[s] = ++k;
        r.values.push_back(static_cast<std::int64_t>(static_cast<u64>(lo) + s));
      }
    }
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::int64_t i = 0; i < n; ++i)
      r.ids[i] = static_cast<std::uint32_t>(slot[static_cast<u64>(v[i]) - static_cast<u64>(lo)] - 1);
  } else {
    r.values.assign(v, v + n);
    std::sort(r.values.begin(), r.values.end());
    r.values.erase(std::unique(r.values.begin(), r.values.end()), r.values.end());
    const auto first = r.values.begin();
    const auto last = r.values.end();
    EM_EXPECTS(r.values.size() < (u64{1} << 32), "labels have ", r.values.size(),
               " distinct values; the CPU backend handles at most 2^32 - 1");
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::int64_t i = 0; i < n; ++i)
      r.ids[i] = static_cast<std::uint32_t>(std::lower_bound(first, last, v[i]) - first);
  }
  r.sizes.assign(r.values.size(), 0);
  for (std::int64_t i = 0; i < n; ++i) ++r.sizes[static_cast<std::size_t>(r.ids[i])];
  return r;
}

contingency_table contingency(label_view a, label_view b, int threads) {
  remapped_labels ra = remap(a, threads);
  remapped_labels rb = remap(b, threads);
  const std::int64_t n = a.size;
  const auto ka = static_cast<std::int64_t>(ra.values.size());
  const auto kb = static_cast<std::int64_t>(rb.values.size());
  const int nt = n >= kParallelMin ? threads : 1;
  // Counting sort of b's ids by a's id (the offsets are the sizes of a), then
  // each row is counted in a kb-long array that stays in cache: O(n + nnz log)
  // with sequential memory access, where a ka x kb array would be random.
  std::vector<std::int64_t> start(static_cast<std::size_t>(ka + 1), 0);
  std::partial_sum(ra.sizes.begin(), ra.sizes.end(), start.begin() + 1);
  std::vector<std::uint32_t> by_row(static_cast<std::size_t>(n));
  {
    std::vector<std::int64_t> pos(start.begin(), start.end() - 1);
    for (std::int64_t i = 0; i < n; ++i) by_row[pos[ra.ids[i]]++] = rb.ids[i];
  }
  // Rows in contiguous blocks, one per thread, concatenated in order.
  std::vector<contingency_table> part(static_cast<std::size_t>(nt));
  detail::region_errors errors;
#pragma omp parallel num_threads(nt)
  {
    errors.run([&] {
      // The team may be smaller than asked for: split by its real size.
      const int t = omp_get_thread_num();
      const int team = omp_get_num_threads();
      const std::int64_t r0 = ka * t / team, r1 = ka * (t + 1) / team;
      std::vector<std::int64_t> cnt(static_cast<std::size_t>(kb), 0);
      std::vector<std::int64_t> touched;
      contingency_table& out = part[t];
      for (std::int64_t r = r0; r < r1; ++r) {
        touched.clear();
        for (std::int64_t q = start[r]; q < start[r + 1]; ++q) {
          const std::int64_t c = by_row[q];
          if (cnt[c]++ == 0) touched.push_back(c);
        }
        const auto emit = [&](std::int64_t c) {
          out.row.push_back(r);
          out.col.push_back(c);
          out.count.push_back(cnt[c]);
          cnt[c] = 0;
        };
        // Columns in order: scan the counts when the row is dense, else sort.
        if (static_cast<std::int64_t>(touched.size()) * 16 >= kb) {
          for (std::int64_t c = 0; c < kb; ++c)
            if (cnt[c] != 0) emit(c);
        } else {
          std::sort(touched.begin(), touched.end());
          for (const std::int64_t c : touched) emit(c);
        }
      }
    });
  }
  errors.rethrow_first();
  contingency_table t = std::move(part[0]);
  t.n = n;
  for (std::size_t q = 1; q < part.size(); ++q) {
    const contingency_table& p = part[q];
    t.row.insert(t.row.end(), p.row.begin(), p.row.end());
    t.col.insert(t.col.end(), p.col.begin(), p.col.end());
    t.count.insert(t.count.end(), p.count.begin(), p.count.end());
  }
  t.values_a = std::move(ra.values);
  t.values_b = std::move(rb.values);
  t.sizes_a = std::move(ra.sizes);
  t.sizes_b = std::move(rb.sizes);
  return t;
}

double expected_mutual_information(const std::vector<std::int64_t>& sizes_a,
                                   const std::vector<std::int64_t>& sizes_b, std::int64_t n,
                                   int threads) {
  // A labeling with a single cluster has zero entropy, hence EMI = 0 (as scikit-learn).
  if (sizes_a.size() <= 1 || sizes_b.size() <= 1) return 0.0;
  std::vector<std::int64_t> va, ma, vb, mb;
  distinct_with_multiplicity(sizes_a, va, ma);
  distinct_with_multiplicity(sizes_b, vb, mb);
  const double log_n = std::log(static_cast<double>(n));
  // Sizes are distinct and sum to at most n, so there are at most sqrt(2 n)
  // of them on each side: at most 2 n distinct pairs, whatever ka and kb.
  std::vector<double> row_sum(va.size(), 0.0);
  const auto na = static_cast<std::int64_t>(va.size());
  if (na * static_cast<std::int64_t>(vb.size()) < 256) threads = 1;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (std::int64_t i = 0; i < na; ++i) {
    double s = 0.0;
    for (std::size_t j = 0; j < vb.size(); ++j)
      s += static_cast<double>(mb[j]) * detail::emi_pair(va[i], vb[j], n, log_n);
    row_sum[i] = static_cast<double>(ma[i]) * s;
  }
  // In row order: the same bits for any thread count.
  return std::accumulate(row_sum.begin(), row_sum.end(), 0.0);
}

// CPU contingency table and expected mutual information (cpu/contingency.hpp).
namespace {

class agreement final : public detail::agreement_ops {
 public:
  contingency_table contingency(const resources& res, label_view a, label_view b) const override {
    detail::check_host(a, "labels a", res);
    detail::check_host(b, "labels b", res);
    return cpu::contingency(a, b, res.threads());
  }

  detail::table_and_emi contingency_and_emi(const resources& res, label_view a,
                                            label_view b) const override {
    detail::table_and_emi out{contingency(res, a, b), 0.0};
    const contingency_table& t = out.table;
    if (!detail::emi_is_zero(t))
      out.expected_mi = expected_mutual_information(t.sizes_a, t.sizes_b, t.n, res.threads());
    return out;
  }
};

}  // namespace

const detail::agreement_ops& agreement_operations() {
  static const agreement ops;
  return ops;
}

}  // namespace embed_metrics::cpu
