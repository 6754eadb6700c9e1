#pragma once
// CPU backend of the exact silhouette: per point, the sum of its distances to
// its own cluster and the smallest mean distance to another cluster, from
// GEMM distance tiles, in memory linear in n and k.

#include <vector>

#include "embed_metrics/matrix.hpp"
#include "embed_metrics/silhouette.hpp"
#include "core/row_prep.hpp"
#include "metrics/silhouette_plan.hpp"

namespace embed_metrics::cpu {

/// For each position p of @p plan: own_sum[p] and b[p] (see
/// detail::finish_silhouette). @p x is the caller's matrix (host memory);
/// its rows are read through plan.source_row and gathered into @p frame
/// (core/row_prep: centred and scaled, or unit rows for cosine).
/// Bit-identical for any @p threads. The tiles come from cpu/knn_tile_gemm
/// where the CPU runs it; with @p allow_tile_kernel false (tests), from the
/// BLAS, as on other CPUs.
void silhouette_sums(matrix_view x, const detail::silhouette_plan& plan, silhouette_metric metric,
                     const detail::row_frame& frame, int threads, std::vector<double>& own_sum,
                     std::vector<double>& b, bool allow_tile_kernel = true);

}  // namespace embed_metrics::cpu
