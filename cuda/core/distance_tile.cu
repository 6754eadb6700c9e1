#include <algorithm>

#include "cuda/core/check.cuh"
#include "cuda/core/distance_tile.cuh"

namespace embed_metrics::gpu {
namespace {

constexpr int kWarp = 32;
constexpr int kNormWarpsPerBlock = 8;

__global__ void row_sqnorms_kernel(const float* __restrict__ x, std::int64_t m, std::int64_t d,
                                   std::int64_t ldx, float* __restrict__ out) {
  const std::int64_t row =
      static_cast<std::int64_t>(blockIdx.x) * kNormWarpsPerBlock + threadIdx.x / kWarp;
  const int lane = static_cast<int>(threadIdx.x % kWarp);
  if (row >= m) return;
  const float* r = x + row * ldx;
  float s = 0.0f;
  for (std::int64_t j = lane; j < d; j += kWarp) s = fmaf(r[j], r[j], s);
  for (int off = kWarp / 2; off > 0; off /= 2) s += __shfl_down_sync(0xffffffffu, s, off);
  if (lane == 0) out[row] = s;
}

__global__ void sqdist_epilogue_kernel(float* __restrict__ out, std::int64_t m, std::int64_t n,
                                       std::int64_t ldo, const float* __restrict__ xn,
                                       const float* __restrict__ yn, bool same_set,
                                       std::int64_t row_base, std::int64_t col_base) {
  const std::int64_t i = blockIdx.y;
  const float xi = xn[i];
  float* r = out + i * ldo;
  for (std::int64_t j = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; j < n;
       j += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    float v = fmaxf(r[j] + xi + yn[j], 0.0f);
    if (same_set && row_base + i == col_base + j) v = 0.0f;
    r[j] = v;
  }
}

}  // namespace

void row_sqnorms(const float* x, std::int64_t m, std::int64_t d, std::int64_t ldx, float* out,
                 cudaStream_t stream) {
  if (m == 0) return;
  const auto blocks = static_cast<unsigned>((m + kNormWarpsPerBlock - 1) / kNormWarpsPerBlock);
  EM_CUDA_LAUNCH(
      row_sqnorms_kernel<<<blocks, kNormWarpsPerBlock * kWarp, 0, stream>>>(x, m, d, ldx, out));
}

void sgemm_nt(cublasHandle_t h, std::int64_t m, std::int64_t n, std::int64_t k, float alpha,
              const float* a, std::int64_t lda, const float* b, std::int64_t ldb, float beta,
              float* c, std::int64_t ldc) {
  if (m == 0 || n == 0) return;
  // Row-major C = A B^T is column-major C^T = B A^T: B is (k x n) col-major
  // transposed, A is (k x m) col-major.
  EM_CUBLAS_TRY(cublasSgemm_64(h, CUBLAS_OP_T, CUBLAS_OP_N, n, m, k, &alpha, b, ldb, a, lda, &beta,
                               c, ldc));
}

void sqdist_tile(cublasHandle_t h, const float* x, std::int64_t m, const float* x_norms,
                 std::int64_t ldx, const float* y, std::int64_t n, const float* y_norms,
                 std::int64_t ldy, std::int64_t d, float* out, std::int64_t ldo, bool same_set,
                 std::int64_t row_base, std::int64_t col_base, cudaStream_t stream) {
  if (m == 0 || n == 0) return;
  sgemm_nt(h, m, n, d, -2.0f, x, ldx, y, ldy, 0.0f, out, ldo);  // out = -2 x.y
  constexpr int kThreads = 256;
  const auto bx = static_cast<unsigned>(std::min<std::int64_t>((n + kThreads - 1) / kThreads, 64));
  // gridDim.y is limited to 65535: launch in row chunks.
  for (std::int64_t r0 = 0; r0 < m; r0 += 65535) {
    const std::int64_t rows = std::min<std::int64_t>(65535, m - r0);
    EM_CUDA_LAUNCH(
        sqdist_epilogue_kernel<<<dim3(bx, static_cast<unsigned>(rows)), kThreads, 0, stream>>>(
            out + r0 * ldo, rows, n, ldo, x_norms + r0, y_norms, same_set, row_base + r0,
            col_base));
  }
}

}  // namespace embed_metrics::gpu
