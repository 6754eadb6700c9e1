// The agreement scores over ranks: the label values are united over ranks
// (so every rank numbers the clusters the same), the dense table of counts
// is all-reduced (integers: exact), and the single-process agreement() runs
// on the table, the same on every rank.

#include <algorithm>

#include "core/check.hpp"
#include "dist/row_layout.hpp"
#include "embed_metrics/distributed.hpp"

namespace embed_metrics::distributed {
namespace {

std::int64_t index_of(const std::vector<std::int64_t>& values, std::int64_t v) {
  return std::lower_bound(values.begin(), values.end(), v) - values.begin();
}

}  // namespace

contingency_table contingency(const resources& res, label_view a, label_view b) {
  const auto comm = detail::comm_of(res);
  detail::on_every_rank(*comm, [&] {
    EM_EXPECTS(a.size == b.size, "distributed contingency: a has ", a.size, " labels on this rank, b ",
               b.size, "; give both labels of the same rows");
    EM_EXPECTS(a.space == memory_space::host && b.space == memory_space::host,
               "distributed contingency: the labels must be in host memory");
  });
  contingency_table t;
  t.values_a = detail::global_values(*comm, a.data, a.size);
  t.values_b = detail::global_values(*comm, b.data, b.size);
  const auto ka = static_cast<std::int64_t>(t.values_a.size());
  const auto kb = static_cast<std::int64_t>(t.values_b.size());
  EM_EXPECTS(ka * kb <= (std::int64_t{1} << 28), "distributed contingency: ", ka, " x ", kb,
             " clusters make a dense table too large to all-reduce; use fewer clusters");
  std::vector<std::int64_t> dense(static_cast<std::size_t>(ka * kb), 0);
  for (std::int64_t i = 0; i < a.size; ++i)
    ++dense[static_cast<std::size_t>(index_of(t.values_a, a.data[i]) * kb + index_of(t.values_b, b.data[i]))];
  comm->all_reduce_sum(dense.data(), dense.size());
  t.sizes_a.assign(static_cast<std::size_t>(ka), 0);
  t.sizes_b.assign(static_cast<std::size_t>(kb), 0);
  for (std::int64_t r = 0; r < ka; ++r)
    for (std::int64_t c = 0; c < kb; ++c) {
      const std::int64_t v = dense[static_cast<std::size_t>(r * kb + c)];
      if (v == 0) continue;
      t.row.push_back(r);
      t.col.push_back(c);
      t.count.push_back(v);
      t.sizes_a[static_cast<std::size_t>(r)] += v;
      t.sizes_b[static_cast<std::size_t>(c)] += v;
      t.n += v;
    }
  return t;
}

agreement_result agreement(const resources& res, label_view a, label_view b,
                           const agreement_params& params) {
  const contingency_table t = distributed::contingency(res, a, b);
  EM_EXPECTS(t.n > 0, "distributed agreement: no labels on any rank");
  return embed_metrics::agreement(resources("cpu", res.threads()), t, params);
}

}  // namespace embed_metrics::distributed
