#pragma once
// CPU distance tiles: row norms and squared-Euclidean blocks from one GEMM.
// The building block of k-means, silhouette and kNN on the CPU backend.

#include <cstdint>

#include "embed_metrics/matrix.hpp"

namespace embed_metrics::cpu {

/// out[i] = ||x_i||^2, accumulated in double and rounded once to float.
void row_sqnorms(matrix_view x, float* out, int threads);

/// out (m x n, leading dimension ldo) = ||x_i||^2 + ||y_j||^2 - 2 x_i.y_j,
/// clamped at 0, with x_norms / y_norms from row_sqnorms, and exactly 0 at
/// (i, i) when @p same_rows (x and y are the same points). One sgemm plus an
/// OpenMP epilogue.
void sqdist_tile(matrix_view x, const float* x_norms, matrix_view y, const float* y_norms,
                 float* out, std::int64_t ldo, int threads, bool same_rows = false);

}  // namespace embed_metrics::cpu
