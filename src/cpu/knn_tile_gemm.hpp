#pragma once
// The GEMM of the symmetric kNN search's tiles on CPUs with AVX-512: the
// column block of a tile is packed once into panels and reused by every tile
// of that block, and the rows are read in place, where a BLAS call per tile
// would pack both sides of every tile again (a sixth of the search's time).

#include <cstdint>
#include <vector>

#include "embed_metrics/matrix.hpp"

namespace embed_metrics::cpu {

/// Columns per panel of the packed layout; a tile's column count is padded to
/// a multiple of it.
inline constexpr std::int64_t kTilePanel = 48;

/// Whether this CPU runs the kernel (AVX-512 F); otherwise the search calls
/// the BLAS per tile.
[[nodiscard]] bool tile_gemm_available() noexcept;

/// Packs rows [c0, c0 + cols) of @p y into @p panels: panel p holds, for each
/// coordinate t, the values of its kTilePanel rows at t (rows past cols are
/// zero).
void pack_tile_columns(matrix_view y, std::int64_t c0, std::int64_t cols,
                       std::vector<float>& panels);

/// c (rows x cols padded to kTilePanel, leading dimension ldc) = alpha *
/// a_i . y_j for the rows a (leading dimension lda, d coordinates) and the
/// packed columns. Each entry is one dot product summed over t in order with
/// fused multiply-adds, whatever the tile's position or the thread: the same
/// bits for any thread count, and for (i, j) as for (j, i). With @p upper
/// (the rows are the columns' points) only the entries j > i are asked for:
/// panels wholly at or below the diagonal of a group of rows are skipped and
/// their part of c is left as it was.
void tile_gemm(const float* a, std::int64_t lda, std::int64_t rows, std::int64_t d,
               const std::vector<float>& panels, std::int64_t cols, float alpha, bool upper,
               float* c, std::int64_t ldc);

}  // namespace embed_metrics::cpu
