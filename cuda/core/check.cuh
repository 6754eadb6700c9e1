#pragma once
// Checked CUDA runtime and cuBLAS calls: a failure throws embed_metrics::cuda_error
// with file:line and the call; the _NO_THROW twins (for destructors) print.

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstdio>
#include <cstring>

#include "core/check.hpp"

namespace embed_metrics::detail {

/// The file's name without its directories, for short messages.
inline const char* base_name(const char* path) {
  const char* slash = std::strrchr(path, '/');
  return slash ? slash + 1 : path;
}

}  // namespace embed_metrics::detail

#define EM_CUDA_TRY(call)                                                                   \
  do {                                                                                      \
    const cudaError_t em_status_ = (call);                                                  \
    if (em_status_ != cudaSuccess)                                                          \
      throw ::embed_metrics::cuda_error(::embed_metrics::detail::cat(                       \
          ::embed_metrics::detail::base_name(__FILE__), ":", __LINE__, ": ", #call, " failed: ", \
          cudaGetErrorName(em_status_), " (", cudaGetErrorString(em_status_), ")"));       \
  } while (0)

#define EM_CUDA_TRY_NO_THROW(call)                                                          \
  do {                                                                                      \
    const cudaError_t em_status_ = (call);                                                  \
    if (em_status_ != cudaSuccess)                                                          \
      std::fprintf(stderr, "embed_metrics: %s:%d: %s failed: %s\n",                         \
                   ::embed_metrics::detail::base_name(__FILE__), __LINE__, #call,           \
                   cudaGetErrorName(em_status_));                                           \
  } while (0)

#define EM_CUBLAS_TRY(call)                                                                 \
  do {                                                                                      \
    const cublasStatus_t em_status_ = (call);                                               \
    if (em_status_ != CUBLAS_STATUS_SUCCESS)                                                \
      throw ::embed_metrics::cuda_error(::embed_metrics::detail::cat(                       \
          ::embed_metrics::detail::base_name(__FILE__), ":", __LINE__, ": ", #call, " failed: ", \
          cublasGetStatusString(em_status_)));                                              \
  } while (0)

/// Check the last kernel launch.
#define EM_CUDA_CHECK_LAUNCH() EM_CUDA_TRY(cudaGetLastError())
