#pragma once
// The points of a silhouette in cluster order on the device, ready for
// distance tiles: gathered, then centred (euclidean, sqeuclidean) or scaled
// to unit length (cosine). Shared by the exact and the simplified silhouette.

#include <cuda_runtime.h>

#include <cstdint>

#include "embed_metrics/silhouette.hpp"

namespace embed_metrics::gpu {

/// xp (n x d, packed) = row source_row[p] of x (device, leading dimension
/// ldx), centred on the mean of the gathered rows (summed in double in a
/// fixed order) for euclidean and sqeuclidean, or divided by its norm for
/// cosine (zero rows stay zero). norms[p] = ||xp_p||^2, or 1 for cosine (so
/// that the tile value (1 + 1 - 2 x.y) / 2 is the cosine distance).
/// @p source_row is a device array of n row indices.
void prepare_points(const float* x, std::int64_t ldx, std::int64_t d,
                    const std::int64_t* source_row, std::int64_t n, silhouette_metric metric,
                    float* xp, float* norms, cudaStream_t stream);

}  // namespace embed_metrics::gpu
