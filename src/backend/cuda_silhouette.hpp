#pragma once
// The CUDA silhouette passes (cuda/silhouette*.cu) behind its silhouette_ops,
// in plain C++ so that tests can set the tile size.

#include <cstdint>
#include <vector>

#include "embed_metrics/matrix.hpp"
#include "embed_metrics/resources.hpp"
#include "embed_metrics/silhouette.hpp"
#include "metrics/silhouette_plan.hpp"

namespace embed_metrics::gpu {

/// As cpu::silhouette_sums: own_sum and b for each position of @p plan, with
/// @p x in host or device memory. Deterministic on a given device.
/// @p block sets the tile, block x block points (0: the default, 8192 or 16384);
/// tests make it small to cross many tile borders.
void silhouette_sums(const resources& res, matrix_view x, const detail::silhouette_plan& plan,
                     silhouette_metric metric, std::vector<double>& own_sum,
                     std::vector<double>& b, std::int64_t block = 0);

/// As cpu::silhouette_centroid_distances, on the device.
void silhouette_centroid_distances(const resources& res, matrix_view x,
                                   const detail::silhouette_plan& plan, silhouette_metric metric,
                                   std::vector<double>& a, std::vector<double>& b);

}  // namespace embed_metrics::gpu
