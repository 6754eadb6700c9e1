#pragma once
// Entry points of the CUDA backend of k-means (cuda/kmeans*.cu), declared in
// plain C++: its primitives for the driver (src/metrics/kmeans_driver.cpp)
// and the seeding alone for benchmarks.

#include <cstdint>
#include <vector>

#include "backend/kmeans_ops.hpp"
#include "embed_metrics/kmeans.hpp"

namespace embed_metrics::gpu {

/// The CUDA backend's k-means primitives.
[[nodiscard]] const detail::kmeans_ops& kmeans_operations();

/// The seeding alone (k-means++ or random, as params.init; given is taken as
/// k-means++), on the resources' stream (for benchmarks): @p x a device view,
/// @p centers device memory for seeds.size() * k rows of x.cols floats.
/// Pointers are checked; values are not (a finiteness check would add a
/// kernel and a host wait to what the benchmarks time): give finite data, as
/// kmeans_batch checks.
void kmeans_plus_plus(const resources& res, matrix_view x, const kmeans_params& params,
                      const std::vector<std::uint64_t>& seeds, float* centers);

}  // namespace embed_metrics::gpu
