#pragma once
// Thin wrappers over the CPU BLAS (OpenBLAS) for row-major matrices. Each
// call spreads fixed blocks of output rows over `threads` OpenMP threads, so
// results do not depend on the thread count. Call them from outside OpenMP
// parallel regions; inside the library's own regions, hold a
// single_threaded_blas scope around the region and call sgemm_nt_tile.

#include <cstdint>
#include <string>
#include "core/internal_api.hpp"

namespace embed_metrics::cpu {

/// While any scope lives, OpenBLAS runs single-threaded; the caller's setting
/// is restored when the last one ends. The library's BLAS work is always cut
/// into fixed blocks shared by its own OpenMP threads, so OpenBLAS's threads
/// would only oversubscribe the cores.
class single_threaded_blas {
 public:
  single_threaded_blas();
  ~single_threaded_blas();
  single_threaded_blas(const single_threaded_blas&) = delete;
  single_threaded_blas& operator=(const single_threaded_blas&) = delete;
};

/// One single-threaded C (m x n) = alpha * A (m x k) * B (n x k)^T + beta * C,
/// for a thread of the library's own parallel region (inside a
/// single_threaded_blas scope): a fixed tile shape gives the same bits for
/// any thread count.
void sgemm_nt_tile(std::int64_t m, std::int64_t n, std::int64_t k, float alpha, const float* a,
                   std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c,
                   std::int64_t ldc);

/// Which BLAS the CPU backend runs.
struct blas_info {
  std::string library;  ///< "system OpenBLAS", or "scipy-openblas32 (PyPI), <file>"
  std::string choice;   ///< why that one (see cpu/blas.cpp: a newer OpenBLAS where the system one runs generic kernels)
  std::string config;   ///< openblas_get_config(): version and build options
  std::string kernel;   ///< openblas_get_corename(): the kernel set chosen for this CPU
  int threads = 1;      ///< OpenBLAS's own threads (the library's calls use one)
};
[[nodiscard]] EMBED_METRICS_INTERNAL_API blas_info blas_in_use();

/// The OpenBLAS kernel set (a name for OPENBLAS_CORETYPE) that this CPU's
/// features call for when OpenBLAS chose a generic one (@p current: an
/// older OpenBLAS falls back to SSE3 kernels on a CPU model it does not know):
/// "SkylakeX" with AVX-512 (F, BW, VL, DQ, CD), "Haswell" with AVX2 and FMA;
/// empty when @p current is not generic or the CPU has neither.
[[nodiscard]] EMBED_METRICS_INTERNAL_API std::string kernel_for_cpu_features(
    const std::string& current);

/// C (m x n) = alpha * A (m x k) * B (n x k)^T + beta * C, all row-major.
void sgemm_nt(std::int64_t m, std::int64_t n, std::int64_t k, float alpha, const float* a,
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
