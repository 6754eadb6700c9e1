#pragma once
// Thin wrappers over the CPU BLAS (OpenBLAS) for row-major matrices. Each
// call spreads fixed blocks of output rows over `threads` OpenMP threads, so
// results do not depend on the thread count. Call them from outside OpenMP
// parallel regions.

#include <cstdint>

namespace embed_metrics::cpu {

/// C (m x n) = alpha * A (m x k) * B (n x k)^T + beta * C, all row-major.
void sgemm_nt(std::int64_t m, std::int64_t n, std::int64_t k, float alpha, const float* a,
              std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c,
              std::int64_t ldc, int threads);

/// C (m x n) = alpha * A (m x k) * B (k x n) + beta * C, all row-major.
void sgemm_nn(std::int64_t m, std::int64_t n, std::int64_t k, float alpha, const float* a,
              std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c,
              std::int64_t ldc, int threads);

/// C (m x n) = alpha * A (k x m)^T * B (k x n) + beta * C, all row-major.
void sgemm_tn(std::int64_t m, std::int64_t n, std::int64_t k, float alpha, const float* a,
              std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c,
              std::int64_t ldc, int threads);

/// Double-precision C (m x n) = alpha * A (k x m)^T * B (k x n) + beta * C.
void dgemm_tn(std::int64_t m, std::int64_t n, std::int64_t k, double alpha, const double* a,
              std::int64_t lda, const double* b, std::int64_t ldb, double beta, double* c,
              std::int64_t ldc, int threads);

}  // namespace embed_metrics::cpu
