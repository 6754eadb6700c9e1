#pragma once
/// @file distance.hpp
/// @brief Pairwise squared Euclidean distances between two row sets: the
/// building block of k-means, silhouette and kNN.

#include "embed_metrics/export.hpp"
#include "embed_metrics/matrix.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics {

/// @brief out(i, j) = ||x_i - y_j||^2 for all rows of @p x and @p y, from row
/// norms plus one GEMM (BLAS sgemm on the CPU, cuBLAS on CUDA), clamped at 0.
/// When @p x and @p y are the same view, out(i, i) is exactly 0. On the CPU
/// the rows are centred on a common origin and scaled by a power of two
/// first, so rows far from the origin keep their accuracy; a squared
/// distance beyond float32's range is inf.
/// @param res resources; CUDA resources accept host or device views (host
///        inputs are copied), CPU resources need host views.
/// @param x   m x d rows.
/// @param y   n x d rows (same d as @p x).
/// @param out m x n result, in the same memory space as the computation's
///        inputs (host for CPU; host or device for CUDA).
/// @throws invalid_argument on mismatched shapes or memory spaces.
EMBED_METRICS_API void pairwise_sqeuclidean(const resources& res, matrix_view x, matrix_view y,
                          mutable_matrix_view out);

/// @brief As above, returning a new m x n host matrix.
[[nodiscard]] EMBED_METRICS_API host_matrix pairwise_sqeuclidean(const resources& res,
                                                                 matrix_view x, matrix_view y);

}  // namespace embed_metrics
