#pragma once
/// @file uniformity.hpp
/// @brief Uniformity and alignment of L2-normalised embeddings (Wang & Isola
/// 2020, "Understanding contrastive representation learning through
/// alignment and uniformity on the hypersphere").

#include <cstdint>

#include "embed_metrics/export.hpp"
#include "embed_metrics/matrix.hpp"
#include "embed_metrics/metric_undefined.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics {

/// @brief Parameters of uniformity().
struct uniformity_params {
  double t = 2.0;  ///< temperature of the Gaussian potential exp(-t ||z_i - z_j||^2); t > 0
};

/// @brief Result of uniformity().
struct uniformity_result {
  double uniformity = 0.0;  ///< log of the mean over pairs i < j of exp(-t ||z_i - z_j||^2); lower is more uniform
  std::int64_t n = 0;       ///< rows
  std::int64_t d = 0;       ///< dimensions
  std::int64_t pairs = 0;   ///< n (n - 1) / 2
};

/// @brief Uniformity log( (2 / (n (n - 1))) sum_{i<j} exp(-t ||z_i - z_j||^2) )
/// with z_i = x_i / ||x_i|| (the norm in double), exact over all pairs: one
/// tiled pass over the tiles i <= j, the squared distances from a GEMM and
/// the exponential summed in the same pass (no n x n matrix). The sum of
/// each tile is in double and the tiles are added in a fixed order, so the
/// result does not depend on the thread count.
/// @param res resources (CPU: host views; CUDA: host or device views).
/// @param x n x d rows, n >= 2, finite, no all-zero row.
/// @param params t.
/// @throws invalid_argument for n < 2, t <= 0, a zero row or non-finite rows.
[[nodiscard]] EMBED_METRICS_API uniformity_result uniformity(const resources& res, matrix_view x,
                                           const uniformity_params& params = {});

/// @brief Parameters of alignment().
struct alignment_params {
  double alpha = 2.0;  ///< exponent of the distance; alpha > 0
};

/// @brief Result of alignment().
struct alignment_result {
  double alignment = 0.0;  ///< mean over rows of ||z_a - z_b||^alpha; lower is better aligned
  std::int64_t n = 0;      ///< rows (positive pairs)
  std::int64_t d = 0;      ///< dimensions
};

/// @brief Alignment (1/n) sum_i ||a_i / ||a_i|| - b_i / ||b_i|| ||^alpha: row i
/// of @p a and of @p b are two views of one image. In double.
/// @param res resources.
/// @param a n x d rows of the first view, finite, no zero row.
/// @param b n x d rows of the second view.
/// @param params alpha.
/// @throws invalid_argument for different shapes, n = 0, alpha <= 0, zero or non-finite rows.
[[nodiscard]] EMBED_METRICS_API alignment_result alignment(const resources& res, matrix_view a, matrix_view b,
                                         const alignment_params& params = {});

}  // namespace embed_metrics
