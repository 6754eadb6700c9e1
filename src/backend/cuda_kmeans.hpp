#pragma once
// Entry points of the CUDA backend of k-means (cuda/kmeans*.cu), declared in
// plain C++ for the dispatch in src/metrics/kmeans.cpp. Inputs are checked
// there first; views may be in host or device memory.

#include <cstdint>
#include <vector>

#include "embed_metrics/kmeans.hpp"

namespace embed_metrics::gpu {

std::vector<kmeans_result> kmeans_batch(const resources& res, matrix_view x,
                                        const kmeans_params& params,
                                        const std::vector<std::uint64_t>& seeds);

/// The k-means++ seeding alone, on the resources' stream with no host
/// synchronisation (for benchmarks): @p x a device view, @p centers device
/// memory for seeds.size() * k rows of x.cols floats. Pointers are checked;
/// values are not (a finiteness check would add a kernel and a host wait to
/// what the benchmarks time): give finite data, as kmeans_batch checks.
void kmeans_plus_plus(const resources& res, matrix_view x, const kmeans_params& params,
                      const std::vector<std::uint64_t>& seeds, float* centers);

std::vector<std::int64_t> kmeans_predict(const resources& res, matrix_view x, matrix_view centers,
                                         kmeans_metric metric);

}  // namespace embed_metrics::gpu
