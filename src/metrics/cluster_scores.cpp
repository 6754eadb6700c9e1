// Davies-Bouldin and Calinski-Harabasz from the per-cluster moments of the
// backend (centroids, distance sums): the k x k part runs here in double.

#include "embed_metrics/cluster_scores.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "backend/backend.hpp"
#include "core/check.hpp"
#include "core/validate.hpp"
#include "metrics/cluster_scores_finish.hpp"
#include "metrics/dense_ids.hpp"

namespace embed_metrics {
namespace {

detail::cluster_moments moments_of(const resources& res, matrix_view x, label_view labels,
                                   const char* metric) {
  detail::check_matrix(x, "x");
  detail::check_cluster_score_input(x, labels, metric);
  const detail::dense_ids ids = detail::make_dense_ids(labels, "labels");
  const std::int64_t k = ids.count;
  detail::check_cluster_count(metric, k, x.rows);
  return detail::backend_for(res).cluster_scores->moments(res, x, ids.ids, k);
}

}  // namespace

namespace detail {

void check_cluster_score_input(matrix_view x, label_view labels, const char* metric) {
  check_labels(labels, "labels");
  check_same_rows(x, labels, "x", "labels");
  EM_EXPECTS(x.cols > 0, metric, ": x has no columns");
}

void check_cluster_count(const char* metric, std::int64_t k, std::int64_t n) {
  if (k < 2 || k > n - 1)
    throw metric_undefined(cat(metric, ": the labels have ", k, " distinct value", k == 1 ? "" : "s", " for ",
                               n, " rows; the score is defined for 2 to n - 1 = ", n - 1, " clusters"));
}


cluster_score_result davies_bouldin_from(const cluster_moments& m, std::int64_t n, std::int64_t d,
                                         const char* order) {
  const std::int64_t k = m.k;
  std::vector<double> s(static_cast<std::size_t>(k));
  for (std::int64_t i = 0; i < k; ++i)
    s[static_cast<std::size_t>(i)] = m.distance_sum[static_cast<std::size_t>(i)] /
                                     static_cast<double>(m.counts[static_cast<std::size_t>(i)]);
  double total = 0.0;
  for (std::int64_t i = 0; i < k; ++i) {
    double worst = 0.0;
    for (std::int64_t j = 0; j < k; ++j) {
      if (j == i) continue;
      double d2 = 0.0;
      for (std::int64_t c = 0; c < d; ++c) {
        const double diff = m.centroids[static_cast<std::size_t>(i * d + c)] -
                            m.centroids[static_cast<std::size_t>(j * d + c)];
        d2 += diff * diff;
      }
      if (d2 == 0.0)
        throw metric_undefined(detail::cat("davies_bouldin: clusters ", i, " and ", j,
                                           " (", order, ") have the same centroid, "
                                           "so their separation is 0 and the ratio does not exist"));
      worst = std::max(worst, (s[static_cast<std::size_t>(i)] + s[static_cast<std::size_t>(j)]) / std::sqrt(d2));
    }
    total += worst;
  }
  cluster_score_result r;
  r.score = total / static_cast<double>(k);
  r.n = n;
  r.clusters = k;
  return r;
}

cluster_score_result calinski_harabasz_from(const cluster_moments& m, std::int64_t n, std::int64_t d) {
  const std::int64_t k = m.k;
  // The overall mean as the count-weighted mean of the centroids.
  std::vector<double> mean(static_cast<std::size_t>(d), 0.0);
  for (std::int64_t i = 0; i < k; ++i)
    for (std::int64_t c = 0; c < d; ++c)
      mean[static_cast<std::size_t>(c)] += static_cast<double>(m.counts[static_cast<std::size_t>(i)]) *
                                           m.centroids[static_cast<std::size_t>(i * d + c)];
  for (double& v : mean) v /= static_cast<double>(n);
  double between = 0.0;
  double within = 0.0;
  for (std::int64_t i = 0; i < k; ++i) {
    double d2 = 0.0;
    for (std::int64_t c = 0; c < d; ++c) {
      const double diff = m.centroids[static_cast<std::size_t>(i * d + c)] - mean[static_cast<std::size_t>(c)];
      d2 += diff * diff;
    }
    between += static_cast<double>(m.counts[static_cast<std::size_t>(i)]) * d2;
    within += m.sqdistance_sum[static_cast<std::size_t>(i)];
  }
  if (within == 0.0)
    throw metric_undefined("calinski_harabasz: every point lies on its cluster's centroid "
                           "(within-cluster dispersion 0), so the ratio does not exist");
  cluster_score_result r;
  r.score = (between / static_cast<double>(k - 1)) / (within / static_cast<double>(n - k));
  r.n = n;
  r.clusters = k;
  return r;
}

}  // namespace detail

cluster_score_result davies_bouldin(const resources& res, matrix_view x, label_view labels,
                                    const cluster_score_params& /*params*/) {
  return detail::davies_bouldin_from(moments_of(res, x, labels, "davies_bouldin"), x.rows, x.cols,
                                     "in order of first appearance");
}

cluster_score_result calinski_harabasz(const resources& res, matrix_view x, label_view labels,
                                       const cluster_score_params& /*params*/) {
  return detail::calinski_harabasz_from(moments_of(res, x, labels, "calinski_harabasz"), x.rows,
                                        x.cols);
}

}  // namespace embed_metrics
