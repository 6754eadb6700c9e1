#pragma once
// CPU distance tiles: row norms and squared-Euclidean blocks from one GEMM.
// The building block of k-means, silhouette and kNN on the CPU backend.

#include <cstdint>

#include "embed_metrics/matrix.hpp"

namespace embed_metrics::cpu {

/// out[i] = ||x_i||^2, accumulated in double and rounded once to float.
void row_sqnorms(matrix_view x, float* out, int threads);

/// The rows of a tile that are the same points as its columns, for exact
/// zeros on the diagonal: row i of the tile is point row_base + i, column j is
/// point col_base + j, and when same_set is true the pair with equal point
/// indices gets exactly 0.
struct self_pairs {
  bool same_set = false;
  std::int64_t row_base = 0;
  std::int64_t col_base = 0;
};

/// out (m x n, leading dimension ldo) = ||x_i||^2 + ||y_j||^2 - 2 x_i.y_j,
/// clamped at 0, with x_norms / y_norms from row_sqnorms. One sgemm plus an
/// OpenMP epilogue.
void sqdist_tile(matrix_view x, const float* x_norms, matrix_view y, const float* y_norms,
                 float* out, std::int64_t ldo, int threads, self_pairs self = {});

}  // namespace embed_metrics::cpu
