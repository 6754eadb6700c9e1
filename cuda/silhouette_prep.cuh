#pragma once
// The points of a silhouette in cluster order on the device, ready for
// distance tiles: gathered, then moved into the frame of core/row_prep.hpp
// that the CPU backend uses (euclidean, sqeuclidean) or scaled to unit
// length (cosine). Shared by the exact and the simplified silhouette.

#include <cuda_runtime.h>

#include <cstdint>

#include "cuda/core/buffer.cuh"
#include "cuda/core/staging.cuh"
#include "embed_metrics/resources.hpp"
#include "embed_metrics/silhouette.hpp"
#include "metrics/silhouette_plan.hpp"

namespace embed_metrics::gpu {

/// The positions of a silhouette plan on the device, and its points
/// gathered in that order: xp (n x d, packed) = row source_row[p] of @p x,
/// in the median-origin, power-of-two frame of core/row_prep.hpp (the frame
/// of x, or of the gathered rows when they are a sample: as the CPU backend)
/// for euclidean and sqeuclidean, or divided by its norm for cosine (zero
/// rows stay zero). norms[p] = ||xp_p||^2, or 1 for cosine (so that the tile
/// value (1 + 1 - 2 x.y) / 2 is the cosine distance). A uniform scale
/// changes no silhouette.
struct device_points {
  device_buffer<std::int32_t> cluster;  ///< cluster of each position
  device_buffer<std::int64_t> start;    ///< first position of each cluster, then n
  device_buffer<float> xp;
  device_buffer<float> norms;
  device_points(const resources& res, const device_matrix& x, const detail::silhouette_plan& plan,
                silhouette_metric metric, cudaStream_t stream);
};

}  // namespace embed_metrics::gpu
