// CUDA backend of the second moments behind the Gaussian entropy and the
// effective rank: rows converted to double in blocks, cublasDgemm for the
// Gram matrix, cublasDgemv for the column sums.

#include <algorithm>

#include "backend/cuda_entropy.hpp"
#include "cuda/core/buffer.cuh"
#include "cuda/core/check.cuh"
#include "cuda/core/context.cuh"
#include "cuda/core/staging.cuh"

namespace embed_metrics::gpu {
namespace {

constexpr std::int64_t kGramRowBlock = 8192;

// dst (rows x d, packed) = x rows - shift (shift may be null: zero).
__global__ void to_double_kernel(const float* __restrict__ x, std::int64_t rows, std::int64_t d,
                                 std::int64_t ldx, const float* __restrict__ shift,
                                 double* __restrict__ dst) {
  const std::int64_t count = rows * d;
  for (std::int64_t t = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; t < count;
       t += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t i = t / d;
    const std::int64_t j = t - i * d;
    const double s = shift != nullptr ? static_cast<double>(shift[j]) : 0.0;
    dst[t] = static_cast<double>(x[i * ldx + j]) - s;
  }
}

__global__ void ones_kernel(double* v, std::int64_t count) {
  for (std::int64_t t = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; t < count;
       t += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    v[t] = 1.0;
}

unsigned grid_for(std::int64_t count) {
  return static_cast<unsigned>(std::clamp<std::int64_t>((count + 255) / 256, 1, 4096));
}

}  // namespace

void gram(const resources& res, matrix_view x, bool shift_by_first_row, std::vector<double>& g,
          std::vector<double>& colsum) {
  auto& ctx = context(res);
  cudaStream_t s = ctx.stream;
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  const device_matrix dx = on_device(x, s);
  const std::int64_t block = std::max<std::int64_t>(1, std::min(n, kGramRowBlock));
  device_buffer<double> buf(static_cast<std::size_t>(block * d), s);
  device_buffer<double> dg(static_cast<std::size_t>(d * d), s);
  device_buffer<double> dsum(static_cast<std::size_t>(d), s);
  device_buffer<double> ones(static_cast<std::size_t>(block), s);
  dg.zero();
  dsum.zero();
  ones_kernel<<<grid_for(block), 256, 0, s>>>(ones.data(), block);
  EM_CUDA_CHECK_LAUNCH();
  const float* shift = shift_by_first_row && n > 0 ? dx.data : nullptr;
  const double one = 1.0;
  for (std::int64_t r0 = 0; r0 < n; r0 += block) {
    const std::int64_t rows = std::min(block, n - r0);
    to_double_kernel<<<grid_for(rows * d), 256, 0, s>>>(dx.data + r0 * dx.ld, rows, d, dx.ld, shift,
                                                        buf.data());
    EM_CUDA_CHECK_LAUNCH();
    // The packed block is column-major A (d x rows): G += A A^T, sum += A 1.
    EM_CUBLAS_TRY(cublasDgemm_64(ctx.cublas, CUBLAS_OP_N, CUBLAS_OP_T, d, d, rows, &one, buf.data(),
                                 d, buf.data(), d, &one, dg.data(), d));
    EM_CUBLAS_TRY(cublasDgemv_64(ctx.cublas, CUBLAS_OP_N, d, rows, &one, buf.data(), d, ones.data(),
                                 1, &one, dsum.data(), 1));
  }
  g = dg.to_host();
  colsum = dsum.to_host();
}

host_matrix download(const resources& res, matrix_view x) {
  host_matrix h(x.rows, x.cols);
  if (x.rows * x.cols == 0) return h;
  auto& ctx = context(res);
  const cudaMemcpyKind kind =
      x.space == memory_space::device ? cudaMemcpyDeviceToHost : cudaMemcpyHostToHost;
  EM_CUDA_TRY(cudaMemcpy2DAsync(h.data(), x.cols * sizeof(float), x.data, x.ld() * sizeof(float),
                                x.cols * sizeof(float), x.rows, kind, ctx.stream));
  EM_CUDA_TRY(cudaStreamSynchronize(ctx.stream));
  return h;
}

}  // namespace embed_metrics::gpu
