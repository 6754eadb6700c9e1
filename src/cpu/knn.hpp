#pragma once
// CPU exact kNN: candidate lists from tiles of GEMM distances, each pair
// computed once (tiles (bi, bj), bi <= bj, offered to the lists of both its
// points) into per-row sorted lists, then the candidates' distances recomputed
// in double and re-sorted (knn_refine, shared with the CUDA backend's result).

#include <cstdint>
#include <vector>

#include "embed_metrics/knn.hpp"
#include "embed_metrics/matrix.hpp"

namespace embed_metrics::cpu {

/// Extra candidates kept beyond k so that the float32 GEMM distances, whose
/// rounding can swap near-equal neighbours, do not decide the k-th neighbour:
/// the exact double-precision distances of all candidates do.
inline constexpr std::int64_t kKnnMargin = 4;

/// Candidates per row for k neighbours among n points.
[[nodiscard]] inline std::int64_t knn_candidates(std::int64_t k, std::int64_t n) noexcept {
  const std::int64_t c = k + kKnnMargin;
  return c < n - 1 ? c : n - 1;
}

/// The @p cap nearest other rows of each row of @p x (prepared by
/// core/row_prep: centred and scaled, or unit rows for cosine) by the GEMM-form distance
/// (squared Euclidean, or 1 - dot of the L2-normalised rows), sorted by
/// (value, index): idx is n x cap, row-major. The same for any thread count.
/// The tiles come from cpu/knn_tile_gemm where the CPU runs it; with
/// @p allow_tile_kernel false (tests), from the BLAS, as on other CPUs.
void knn_select(matrix_view x, std::int64_t cap, knn_metric metric, int threads,
                std::vector<std::int64_t>& idx, bool allow_tile_kernel = true);

/// The k nearest of each row's @p cap candidates (idx: n x cap, entries < 0
/// ignored) by distances recomputed in double from @p x, ties by index.
[[nodiscard]] knn_result knn_refine(matrix_view x, std::int64_t k, std::int64_t cap,
                                    knn_metric metric, const std::int64_t* idx, int threads);

}  // namespace embed_metrics::cpu
