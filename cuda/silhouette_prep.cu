#include <algorithm>

#include "backend/device_checks.hpp"
#include "cuda/core/buffer.cuh"
#include "cuda/core/check.cuh"
#include "cuda/core/distance_tile.cuh"
#include "cuda/silhouette_prep.cuh"

namespace embed_metrics::gpu {
namespace {

constexpr int kWarp = 32;
constexpr int kThreads = 256;
constexpr std::int64_t kChunkRows = 1024;  // rows per partial column sum

__global__ void gather_kernel(const float* __restrict__ x, std::int64_t ldx, std::int64_t d,
                              const std::int64_t* __restrict__ src, std::int64_t n,
                              float* __restrict__ xp) {
  for (std::int64_t p = blockIdx.x; p < n; p += gridDim.x) {
    const float* r = x + src[p] * ldx;
    for (std::int64_t j = threadIdx.x; j < d; j += blockDim.x) xp[p * d + j] = r[j];
  }
}

// partial[chunk * d + j] = sum of column j over rows chunk*kChunkRows .. (in order).
__global__ void column_partials_kernel(const float* __restrict__ xp, std::int64_t n,
                                       std::int64_t d, std::int64_t chunk0,
                                       double* __restrict__ partial) {
  const std::int64_t chunk = chunk0 + blockIdx.y;
  const std::int64_t j = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (j >= d) return;
  const std::int64_t r0 = chunk * kChunkRows;
  const std::int64_t r1 = min(n, r0 + kChunkRows);
  double s = 0.0;
  for (std::int64_t r = r0; r < r1; ++r) s += static_cast<double>(xp[r * d + j]);
  partial[chunk * d + j] = s;
}

__global__ void column_mean_kernel(const double* __restrict__ partial, std::int64_t chunks,
                                   std::int64_t n, std::int64_t d, double* __restrict__ mean) {
  const std::int64_t j = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (j >= d) return;
  double s = 0.0;
  for (std::int64_t c = 0; c < chunks; ++c) s += partial[c * d + j];
  mean[j] = s / static_cast<double>(n);
}

__global__ void center_kernel(float* __restrict__ xp, std::int64_t n, std::int64_t d,
                              const double* __restrict__ mean) {
  for (std::int64_t p = blockIdx.x; p < n; p += gridDim.x)
    for (std::int64_t j = threadIdx.x; j < d; j += blockDim.x)
      xp[p * d + j] = static_cast<float>(static_cast<double>(xp[p * d + j]) - mean[j]);
}

// One warp per row: scale to unit length (norm in double, fixed shuffle tree).
__global__ void normalize_kernel(float* __restrict__ xp, std::int64_t n, std::int64_t d,
                                 float* __restrict__ norms) {
  const std::int64_t p =
      static_cast<std::int64_t>(blockIdx.x) * (blockDim.x / kWarp) + threadIdx.x / kWarp;
  const int lane = static_cast<int>(threadIdx.x % kWarp);
  if (p >= n) return;
  float* r = xp + p * d;
  double s = 0.0;
  for (std::int64_t j = lane; j < d; j += kWarp) s += static_cast<double>(r[j]) * r[j];
  for (int off = kWarp / 2; off > 0; off /= 2) s += __shfl_xor_sync(0xffffffffu, s, off);
  const double inv = s > 0.0 ? 1.0 / sqrt(s) : 0.0;
  for (std::int64_t j = lane; j < d; j += kWarp) r[j] = static_cast<float>(r[j] * inv);
  if (lane == 0) norms[p] = 1.0f;
}

}  // namespace

void prepare_points(const float* x, std::int64_t ldx, std::int64_t d,
                    const std::int64_t* source_row, std::int64_t n, silhouette_metric metric,
                    float* xp, float* norms, cudaStream_t stream) {
  if (n == 0) return;
  const int row_threads = static_cast<int>(std::min<std::int64_t>(kThreads, ((d + kWarp - 1) / kWarp) * kWarp));
  // One block per row, grid-stride past gridDim.x's limit.
  const auto row_blocks = static_cast<unsigned>(std::min<std::int64_t>(n, kMaxGridX));
  gather_kernel<<<row_blocks, row_threads, 0, stream>>>(x, ldx, d, source_row, n, xp);
  EM_CUDA_CHECK_LAUNCH();
  if (metric == silhouette_metric::cosine) {
    constexpr int kWarpsPerBlock = kThreads / kWarp;
    const auto blocks = static_cast<unsigned>((n + kWarpsPerBlock - 1) / kWarpsPerBlock);
    normalize_kernel<<<blocks, kThreads, 0, stream>>>(xp, n, d, norms);
    EM_CUDA_CHECK_LAUNCH();
    return;
  }
  const std::int64_t chunks = (n + kChunkRows - 1) / kChunkRows;
  device_buffer<double> partial(static_cast<std::size_t>(chunks * d), stream);
  device_buffer<double> mean(static_cast<std::size_t>(d), stream);
  const auto col_blocks = static_cast<unsigned>((d + kThreads - 1) / kThreads);
  // gridDim.y is limited to 65535 chunks (67M rows) per launch.
  for (std::int64_t c0 = 0; c0 < chunks; c0 += kMaxGridYZ) {
    const std::int64_t nc = std::min(kMaxGridYZ, chunks - c0);
    column_partials_kernel<<<dim3(col_blocks, static_cast<unsigned>(nc)), kThreads, 0, stream>>>(
        xp, n, d, c0, partial.data());
    EM_CUDA_CHECK_LAUNCH();
  }
  column_mean_kernel<<<col_blocks, kThreads, 0, stream>>>(partial.data(), chunks, n, d, mean.data());
  EM_CUDA_CHECK_LAUNCH();
  center_kernel<<<row_blocks, row_threads, 0, stream>>>(xp, n, d, mean.data());
  EM_CUDA_CHECK_LAUNCH();
  row_sqnorms(xp, n, d, d, norms, stream);
}

}  // namespace embed_metrics::gpu
