// Davies-Bouldin and Calinski-Harabasz over ranks: the per-cluster sums and
// counts all-reduced (the centroids), then the per-cluster sums of the
// distances and squared distances to them (the scatter terms), each in
// order-free sums; the k x k finish is that of one process
// (metrics/cluster_scores_finish.hpp) on the same numbers.

#include <algorithm>
#include <cmath>

#include "core/check.hpp"
#include "core/validate.hpp"
#include "dist/exact_sum.hpp"
#include "dist/row_layout.hpp"
#include "embed_metrics/distributed.hpp"
#include "metrics/cluster_scores_finish.hpp"

namespace embed_metrics::distributed {
namespace {

struct moments : detail::cluster_moments {
  std::int64_t n = 0;  // rows over every rank
};

moments moments_of(const resources& res, matrix_view x, label_view labels, const char* metric) {
  const auto comm = detail::comm_of(res);
  detail::on_every_rank(*comm, [&] {
    detail::check_host_rows(x, "x");
    detail::check_cluster_score_input(x, labels, metric);
  });
  const auto layout = detail::row_layout::of(*comm, x.rows);
  const std::vector<std::int64_t> values = detail::global_values(*comm, labels.data, labels.size);
  moments m;
  m.n = layout.total;
  m.k = static_cast<std::int64_t>(values.size());
  const std::int64_t k = m.k;
  const std::int64_t d = x.cols;
  detail::check_cluster_count(metric, k, m.n);
  std::vector<std::int64_t> id(static_cast<std::size_t>(x.rows));
  m.counts.assign(static_cast<std::size_t>(k), 0);
  for (std::int64_t i = 0; i < x.rows; ++i) {
    id[static_cast<std::size_t>(i)] = std::lower_bound(values.begin(), values.end(), labels.data[i]) - values.begin();
    ++m.counts[static_cast<std::size_t>(id[static_cast<std::size_t>(i)])];
  }
  comm->all_reduce_sum(m.counts.data(), m.counts.size());
  const double most = detail::global_max_abs(*comm, x);
  detail::exact_sums sums(static_cast<std::size_t>(k * d), detail::exact_exponent(most));
  for (std::int64_t i = 0; i < x.rows; ++i)
    for (std::int64_t j = 0; j < d; ++j) sums.add(static_cast<std::size_t>(id[static_cast<std::size_t>(i)] * d + j), x.row(i)[j]);
  sums.all_reduce(*comm);
  m.centroids.resize(static_cast<std::size_t>(k * d));
  for (std::int64_t c = 0; c < k; ++c)
    for (std::int64_t j = 0; j < d; ++j)
      m.centroids[static_cast<std::size_t>(c * d + j)] =
          sums.value(static_cast<std::size_t>(c * d + j)) / static_cast<double>(m.counts[static_cast<std::size_t>(c)]);
  // A point and its centroid both lie in the box of side 2 most.
  const double reach = 2.0 * most * std::sqrt(static_cast<double>(d)) * 1.01;
  detail::exact_sums dist(static_cast<std::size_t>(k), detail::exact_exponent(reach));
  detail::exact_sums sq(static_cast<std::size_t>(k), detail::exact_exponent(reach * reach));
  for (std::int64_t i = 0; i < x.rows; ++i) {
    const std::int64_t c = id[static_cast<std::size_t>(i)];
    const double d2 = detail::sq_distance(x.row(i), m.centroids.data() + c * d, d);
    dist.add(static_cast<std::size_t>(c), std::sqrt(d2));
    sq.add(static_cast<std::size_t>(c), d2);
  }
  dist.all_reduce(*comm);
  sq.all_reduce(*comm);
  for (std::size_t c = 0; c < static_cast<std::size_t>(k); ++c) {
    m.distance_sum.push_back(dist.value(c));
    m.sqdistance_sum.push_back(sq.value(c));
  }
  return m;
}

}  // namespace

cluster_score_result davies_bouldin(const resources& res, matrix_view x, label_view labels,
                                    const cluster_score_params&) {
  const moments m = moments_of(res, x, labels, "davies_bouldin");
  return detail::davies_bouldin_from(m, m.n, x.cols, "in sorted order of their labels");
}

cluster_score_result calinski_harabasz(const resources& res, matrix_view x, label_view labels,
                                       const cluster_score_params&) {
  const moments m = moments_of(res, x, labels, "calinski_harabasz");
  return detail::calinski_harabasz_from(m, m.n, x.cols);
}

}  // namespace embed_metrics::distributed
