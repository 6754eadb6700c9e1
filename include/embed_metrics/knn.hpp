#pragma once
/// @file knn.hpp
/// @brief Exact k nearest neighbours of every row among the other rows (tiled
/// GEMM distances plus a per-row k-smallest selection, O(n k + tile) memory),
/// and the leave-one-out kNN classifier accuracy built on it.

#include <cstdint>
#include <vector>

#include "embed_metrics/distance_metric.hpp"
#include "embed_metrics/matrix.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics {

/// @brief Distance used by the kNN search: euclidean (not squared) or cosine (a zero row is
/// at distance 1 from every other row); sqeuclidean is refused.
using knn_metric = distance_metric;

/// @brief Parameters of knn().
struct knn_params {
  std::int64_t k = 3;                         ///< neighbours per row; 1 <= k <= n - 1
  knn_metric metric = knn_metric::euclidean;  ///< distance
};

/// @brief The k nearest other points of each row, nearest first.
struct knn_result {
  std::int64_t n = 0;                   ///< rows searched
  std::int64_t k = 0;                   ///< neighbours per row
  std::vector<std::int64_t> indices;    ///< n x k, row-major: indices(i, j) = indices[i * k + j]
  std::vector<float> distances;         ///< n x k, row-major, non-decreasing along each row

  /// @brief Index of the @p j-th nearest other point of row @p i.
  [[nodiscard]] std::int64_t index(std::int64_t i, std::int64_t j) const noexcept {
    return indices[static_cast<std::size_t>(i * k + j)];
  }
  /// @brief Distance from row @p i to its @p j-th nearest other point.
  [[nodiscard]] float distance(std::int64_t i, std::int64_t j) const noexcept {
    return distances[static_cast<std::size_t>(i * k + j)];
  }
};

/// @brief Exact k nearest neighbours of every row of @p x among the other rows.
///
/// A row is excluded from its own list by index, not by distance, so a
/// duplicate of row i is found as a neighbour at distance 0. Equal distances
/// are ordered by the smaller index. Candidates come from tiles of GEMM
/// distances (float32); the distances of the candidates kept are then
/// recomputed directly in double precision and the lists re-sorted, so the
/// returned distances do not carry the cancellation error of the GEMM form and
/// a duplicate is at exactly 0. The search runs on the rows centred and
/// scaled by a power of two (unit rows for cosine), so the neighbours do not
/// depend on where the data sit or on their scale.
/// @param res resources; CUDA resources accept host or device views, CPU
///        resources need host views. The result is always in host memory.
/// @param x   n x d rows, finite.
/// @param params k (1 <= k <= n - 1) and the metric. The CUDA backend supports
///        k <= 124.
/// @throws invalid_argument when k is out of range, on a bad view, or when a
///         distance cannot be returned as float32 (beyond its range, or below
///         its normal range where it keeps only a few bits): rescale x.
[[nodiscard]] knn_result knn(const resources& res, matrix_view x, const knn_params& params = {});

/// @brief knn() with k and the metric given directly.
[[nodiscard]] inline knn_result knn(const resources& res, matrix_view x, std::int64_t k,
                                    knn_metric metric = knn_metric::euclidean) {
  return knn(res, x, knn_params{k, metric});
}

/// @brief Leave-one-out kNN classifier accuracy: each row is classified by a
/// majority vote of the labels of its k nearest other rows (knn()), and the
/// result is the fraction of rows whose vote equals their own label. A tie
/// between classes goes to the tied class whose member is nearest.
/// @param res    resources (as for knn()).
/// @param x      n x d rows.
/// @param labels n labels (host memory; any int64 values).
/// @param k      neighbours that vote; 1 <= k <= n - 1 (default 20).
/// @param metric distance.
/// @return accuracy in [0, 1].
/// @throws invalid_argument on mismatched sizes or k out of range.
[[nodiscard]] double knn_accuracy(const resources& res, matrix_view x, label_view labels,
                                  std::int64_t k = 20, knn_metric metric = knn_metric::euclidean);

/// @brief Majority vote of a finished kNN search against @p labels (see
/// knn_accuracy()); lets a caller reuse one search for several purposes.
[[nodiscard]] double knn_accuracy(const knn_result& neighbours, label_view labels);

}  // namespace embed_metrics
