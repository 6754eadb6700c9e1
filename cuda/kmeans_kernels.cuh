#pragma once
// What the kernels of the CUDA k-means backend share (cuda/kmeans.cu: the
// Lloyd pass; cuda/kmeans_init.cu: k-means++). All work is ordered on the
// caller's stream; every floating-point sum runs in a fixed order (a thread
// walking rows in order, or a fixed-shape tree in shared memory), so the
// same inputs give the same bits on every run.

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>

#include "backend/device_checks.hpp"

namespace embed_metrics::gpu::km {

/// Rows of each block whose sums are formed in row order (as the CPU backend).
constexpr std::int64_t kBlockRows = 128;
constexpr int kThreads = 256;
constexpr int kWarp = 32;

inline unsigned grid_for(std::int64_t work, int threads = kThreads) {
  return static_cast<unsigned>(capped_blocks(work, threads, 1 << 20));
}

/// Row blocks of kBlockRows covering @p n rows.
constexpr std::int64_t row_blocks(std::int64_t n) { return (n + kBlockRows - 1) / kBlockRows; }

/// Grid-stride loop over [0, count).
#define EM_GRID_LOOP(i, count)                                                              \
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; \
       i < (count); i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)

/// Sum of v over the block's threads, fixed tree (blockDim.x == kThreads).
__device__ inline double block_sum(double v, double* shared) {
  shared[threadIdx.x] = v;
  __syncthreads();
  for (int s = kThreads / 2; s > 0; s /= 2) {
    if (static_cast<int>(threadIdx.x) < s) shared[threadIdx.x] += shared[threadIdx.x + s];
    __syncthreads();
  }
  const double out = shared[0];
  __syncthreads();
  return out;
}

/// out[c] = x[idx[c]] (rows of d floats), out_norms[c] = xn[idx[c]] when out_norms != nullptr.
void gather_rows(const float* x, std::int64_t ldx, std::int64_t d, const std::int64_t* idx,
                 std::int64_t count, const float* xn, float* out, float* out_norms,
                 cudaStream_t stream);

}  // namespace embed_metrics::gpu::km
