#pragma once
// Davies-Bouldin and Calinski-Harabasz from the per-cluster moments (counts,
// centroids, distance sums): the k x k finish in double, shared by one
// process (metrics/cluster_scores.cpp) and the ranks (dist/cluster_scores.cpp),
// which reach the same moments by different passes.

#include <cstdint>

#include "backend/cluster_score_ops.hpp"
#include "embed_metrics/cluster_scores.hpp"

namespace embed_metrics::detail {

/// Davies-Bouldin of n rows of d columns in the clusters of @p m; @p order
/// names how the clusters are numbered, for the error of two equal centroids.
[[nodiscard]] cluster_score_result davies_bouldin_from(const cluster_moments& m, std::int64_t n,
                                                       std::int64_t d, const char* order);

/// Calinski-Harabasz of n rows of d columns in the clusters of @p m.
[[nodiscard]] cluster_score_result calinski_harabasz_from(const cluster_moments& m, std::int64_t n,
                                                          std::int64_t d);

}  // namespace embed_metrics::detail
