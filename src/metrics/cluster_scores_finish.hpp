#pragma once
// Davies-Bouldin and Calinski-Harabasz from the per-cluster moments (counts,
// centroids, distance sums): the k x k finish in double, shared by one
// process (metrics/cluster_scores.cpp) and the ranks (dist/cluster_scores.cpp),
// which reach the same moments by different passes.

#include <cstdint>

#include "backend/cluster_score_ops.hpp"
#include "embed_metrics/cluster_scores.hpp"

namespace embed_metrics::detail {

/// The checks after the rows' own (host, or a rank's block): the labels, one
/// per row, and at least one column; @p metric names the score in errors.
void check_cluster_score_input(matrix_view x, label_view labels, const char* metric);

/// Throws metric_undefined unless 2 <= @p k <= @p n - 1 clusters.
void check_cluster_count(const char* metric, std::int64_t k, std::int64_t n);

/// Davies-Bouldin of n rows of d columns in the clusters of @p m; @p order
/// names how the clusters are numbered, for the error of two equal centroids.
[[nodiscard]] cluster_score_result davies_bouldin_from(const cluster_moments& m, std::int64_t n,
                                                       std::int64_t d, const char* order);

/// Calinski-Harabasz of n rows of d columns in the clusters of @p m.
[[nodiscard]] cluster_score_result calinski_harabasz_from(const cluster_moments& m, std::int64_t n,
                                                          std::int64_t d);

}  // namespace embed_metrics::detail
