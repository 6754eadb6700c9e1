#pragma once
// GPU distance tiles: row norms and squared-Euclidean blocks from one cuBLAS
// SGEMM plus an epilogue kernel. Shared by k-means, silhouette and kNN.

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace embed_metrics::gpu {

/// out[i] = ||x_i||^2 for the m rows of x (leading dimension ldx), accumulated
/// in float with a warp-per-row reduction.
void row_sqnorms(const float* x, std::int64_t m, std::int64_t d, std::int64_t ldx, float* out,
                 cudaStream_t stream);

/// Row-major C (m x n) = alpha * A (m x k) * B (n x k)^T + beta * C with cuBLAS.
void sgemm_nt(cublasHandle_t h, std::int64_t m, std::int64_t n, std::int64_t k, float alpha,
              const float* a, std::int64_t lda, const float* b, std::int64_t ldb, float beta,
              float* c, std::int64_t ldc);

/// out (m x n, ldo) = max(0, ||x_i||^2 + ||y_j||^2 - 2 x_i.y_j) from one SGEMM and an
/// epilogue kernel; the pair with row_base + i == col_base + j is set to exactly 0 when
/// same_set.
void sqdist_tile(cublasHandle_t h, const float* x, std::int64_t m, const float* x_norms,
                 std::int64_t ldx, const float* y, std::int64_t n, const float* y_norms,
                 std::int64_t ldy, std::int64_t d, float* out, std::int64_t ldo, bool same_set,
                 std::int64_t row_base, std::int64_t col_base, cudaStream_t stream);

}  // namespace embed_metrics::gpu
