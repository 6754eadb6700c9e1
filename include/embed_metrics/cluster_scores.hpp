#pragma once
/// @file cluster_scores.hpp
/// @brief Davies-Bouldin and Calinski-Harabasz scores of a given labelling
/// (for example the k-means labels C1), as scikit-learn's
/// davies_bouldin_score and calinski_harabasz_score define them.

#include <cstdint>

#include "embed_metrics/export.hpp"
#include "embed_metrics/matrix.hpp"
#include "embed_metrics/metric_undefined.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics {

/// @brief Parameters of davies_bouldin() and calinski_harabasz() (none yet;
/// kept so that options can be added without breaking callers).
struct cluster_score_params {};

/// @brief Result of davies_bouldin() or calinski_harabasz().
struct cluster_score_result {
  double score = 0.0;         ///< the score
  std::int64_t n = 0;         ///< rows
  std::int64_t clusters = 0;  ///< distinct labels
};

/// @brief Davies-Bouldin index: the mean over clusters i of the largest
/// (s_i + s_j) / ||c_i - c_j|| over j != i, where c_i is the centroid and
/// s_i the mean Euclidean distance of cluster i's points to it. Lower is
/// better. Sums in double.
/// @param res resources (CPU: host views; CUDA: host or device views).
/// @param x n x d rows, finite.
/// @param labels n labels (any int64 values).
/// @param params none.
/// @throws metric_undefined unless 2 <= clusters <= n - 1 (scikit-learn's
/// rule), or when two clusters have the same centroid (a ratio over 0).
/// @throws invalid_argument for mismatched shapes or non-finite rows.
[[nodiscard]] EMBED_METRICS_API cluster_score_result davies_bouldin(const resources& res, matrix_view x,
                                                  label_view labels,
                                                  const cluster_score_params& params = {});

/// @brief Calinski-Harabasz index [tr(B) / (k - 1)] / [tr(W) / (n - k)],
/// B = sum_i n_i (c_i - c)(c_i - c)^T the between-cluster and W the
/// within-cluster scatter. Higher is better. Sums in double.
/// @throws metric_undefined unless 2 <= clusters <= n - 1, or when tr(W) = 0
/// (every point on its centroid; scikit-learn returns 1.0 there, a
/// placeholder, where the ratio does not exist).
[[nodiscard]] EMBED_METRICS_API cluster_score_result calinski_harabasz(const resources& res, matrix_view x,
                                                     label_view labels,
                                                     const cluster_score_params& params = {});

}  // namespace embed_metrics
