#pragma once
// Host-side helpers of the CUDA k-means backend shared by cuda/kmeans.cu and
// cuda/kmeans_init.cu (defined in cuda/kmeans_init.cu).

#include <cstdint>
#include <vector>

#include "cuda/core/context.cuh"
#include "embed_metrics/kmeans.hpp"

namespace embed_metrics::gpu::km {

/// Packed row-major rows on the device (ld = d).
struct device_rows {
  const float* data = nullptr;
  std::int64_t n = 0, d = 0, ld = 0;
};

/// The initial centres of every run, stacked (runs * k x d) in @p centers:
/// k-means++ entirely on the device (no host round trip per centre), random
/// rows (drawn on the host from the same Philox stream as the CPU backend), or
/// @p given (k x d packed, device) copied for every run.
void init_centers(detail::cuda_context& ctx, device_rows x, const float* xn,
                  const kmeans_params& p, const float* given,
                  const std::vector<std::uint64_t>& seeds, float* centers);

}  // namespace embed_metrics::gpu::km
