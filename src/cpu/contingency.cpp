#include "cpu/contingency.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "cpu/emi_pair.hpp"

namespace embed_metrics::cpu {
namespace {

using u64 = std::uint64_t;

void minmax(label_view l, int threads, std::int64_t& lo, std::int64_t& hi) {
  std::int64_t mn = std::numeric_limits<std::int64_t>::max();
  std::int64_t mx = std::numeric_limits<std::int64_t>::min();
#pragma omp parallel for num_threads(threads) reduction(min : mn) reduction(max : mx) schedule(static)
  for (std::int64_t i = 0; i < l.size; ++i) {
    mn = std::min(mn, l.data[i]);
    mx = std::max(mx, l.data[i]);
  }
  lo = mn;
  hi = mx;
}

}  // namespace

remapped_labels remap(label_view labels, int threads) {
  remapped_labels r;
  const std::int64_t n = labels.size;
  const std::int64_t* v = labels.data;
  r.ids.resize(static_cast<std::size_t>(n));
  std::int64_t lo = 0, hi = 0;
  minmax(labels, threads, lo, hi);
  // The range as unsigned: max - min of int64 values may not fit in int64.
  const u64 range = static_cast<u64>(hi) - static_cast<u64>(lo);
  const u64 direct_limit = std::max<u64>(static_cast<u64>(4 * n), u64{1} << 16);
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
      r.ids[i] = slot[static_cast<u64>(v[i]) - static_cast<u64>(lo)] - 1;
  } else {
    r.values.assign(v, v + n);
    std::sort(r.values.begin(), r.values.end());
    r.values.erase(std::unique(r.values.begin(), r.values.end()), r.values.end());
    const auto first = r.values.begin();
    const auto last = r.values.end();
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::int64_t i = 0; i < n; ++i) r.ids[i] = std::lower_bound(first, last, v[i]) - first;
  }
  r.sizes.assign(r.values.size(), 0);
  for (std::int64_t i = 0; i < n; ++i) ++r.sizes[static_cast<std::size_t>(r.ids[i])];
  return r;
}

contingency_table contingency(label_view a, label_view b, int threads) {
  remapped_labels ra = remap(a, threads);
  remapped_labels rb = remap(b, threads);
  const std::int64_t n = a.size;
  const auto ka = static_cast<u64>(ra.values.size());
  const auto kb = static_cast<u64>(rb.values.size());
  contingency_table t;
  t.n = n;
  const u64 dense_limit = std::max<u64>(static_cast<u64>(4 * n), u64{1} << 16);
  // ka * kb <= n^2 < 2^64 for any n that fits in memory; test by division.
  if (ka <= dense_limit / kb) {
    std::vector<std::int64_t> cells(static_cast<std::size_t>(ka * kb), 0);
    for (std::int64_t i = 0; i < n; ++i)
      ++cells[static_cast<u64>(ra.ids[i]) * kb + static_cast<u64>(rb.ids[i])];
    for (u64 c = 0; c < ka * kb; ++c) {
      if (cells[c] == 0) continue;
      t.row.push_back(static_cast<std::int64_t>(c / kb));
      t.col.push_back(static_cast<std::int64_t>(c % kb));
      t.count.push_back(cells[c]);
    }
  } else {
    std::vector<u64> keys(static_cast<std::size_t>(n));
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::int64_t i = 0; i < n; ++i)
      keys[i] = static_cast<u64>(ra.ids[i]) * kb + static_cast<u64>(rb.ids[i]);
    std::sort(keys.begin(), keys.end());
    for (std::size_t i = 0; i < keys.size();) {
      std::size_t j = i + 1;
      while (j < keys.size() && keys[j] == keys[i]) ++j;
      t.row.push_back(static_cast<std::int64_t>(keys[i] / kb));
      t.col.push_back(static_cast<std::int64_t>(keys[i] % kb));
      t.count.push_back(static_cast<std::int64_t>(j - i));
      i = j;
    }
  }
  t.values_a = std::move(ra.values);
  t.values_b = std::move(rb.values);
  t.sizes_a = std::move(ra.sizes);
  t.sizes_b = std::move(rb.sizes);
  return t;
}

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
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (std::int64_t i = 0; i < na; ++i) {
    double s = 0.0;
    for (std::size_t j = 0; j < vb.size(); ++j)
      s += static_cast<double>(mb[j]) * detail::emi_pair(va[i], vb[j], n, log_n);
    row_sum[i] = static_cast<double>(ma[i]) * s;
  }
  double emi = 0.0;
  for (double s : row_sum) emi += s;  // fixed order: same bits for any thread count
  return emi;
}

}  // namespace embed_metrics::cpu
