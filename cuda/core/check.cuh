#pragma once
// Checked CUDA runtime and cuBLAS calls: a failure throws embed_metrics::cuda_error
// (out_of_memory for an allocation failure) with file:line and the call; the
// _NO_THROW twins (for destructors) print.
//
// A failed call leaves its code in the runtime's "last error", where the next
// launch check of an unrelated call would find it: the thrower clears it
// (cudaGetLastError). Errors raised by a faulting kernel (illegal address,
// launch failure, ...) are sticky: the CUDA context of the process is lost
// and every later call fails; the message says so, as nothing can clear them.

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

/// True for the errors that corrupt the CUDA context (they cannot be cleared).
inline bool is_sticky(cudaError_t status) {
  switch (status) {
    case cudaErrorIllegalAddress:
    case cudaErrorLaunchFailure:
    case cudaErrorLaunchTimeout:
    case cudaErrorHardwareStackError:
    case cudaErrorIllegalInstruction:
    case cudaErrorMisalignedAddress:
    case cudaErrorInvalidAddressSpace:
    case cudaErrorInvalidPc:
    case cudaErrorAssert:
    case cudaErrorECCUncorrectable:
    case cudaErrorContextIsDestroyed:
      return true;
    default:
      return false;
  }
}

/// Clear the last error and throw the exception for @p status.
[[noreturn]] inline void throw_cuda(cudaError_t status, const char* file, int line,
                                    const char* call) {
  cudaGetLastError();
  std::string msg = cat(base_name(file), ":", line, ": ", call, " failed: ",
                        cudaGetErrorName(status), " (", cudaGetErrorString(status), ")");
  if (is_sticky(status))
    msg += "; this error is not recoverable: the process's CUDA context is lost (restart the "
           "process; run it under compute-sanitizer to find the faulting access)";
  if (status == cudaErrorMemoryAllocation)
    throw out_of_memory(msg + "; free device memory or use smaller inputs");
  throw cuda_error(msg);
}

[[noreturn]] inline void throw_cublas(cublasStatus_t status, const char* file, int line,
                                      const char* call) {
  cudaGetLastError();
  const std::string msg = cat(base_name(file), ":", line, ": ", call, " failed: ",
                              cublasGetStatusString(status));
  if (status == CUBLAS_STATUS_ALLOC_FAILED)
    throw out_of_memory(msg + " (cuBLAS could not allocate its workspace); free device memory "
                              "or use smaller inputs");
  throw cuda_error(msg);
}

}  // namespace embed_metrics::detail

#define EM_CUDA_TRY(call)                                                                 \
  do {                                                                                    \
    const cudaError_t em_status_ = (call);                                                \
    if (em_status_ != cudaSuccess)                                                        \
      ::embed_metrics::detail::throw_cuda(em_status_, __FILE__, __LINE__, #call);         \
  } while (0)

#define EM_CUDA_TRY_NO_THROW(call)                                                          \
  do {                                                                                      \
    const cudaError_t em_status_ = (call);                                                  \
    if (em_status_ != cudaSuccess) {                                                        \
      cudaGetLastError();                                                                   \
      std::fprintf(stderr, "embed_metrics: %s:%d: %s failed: %s\n",                         \
                   ::embed_metrics::detail::base_name(__FILE__), __LINE__, #call,           \
                   cudaGetErrorName(em_status_));                                           \
    }                                                                                       \
  } while (0)

#define EM_CUBLAS_TRY(call)                                                               \
  do {                                                                                    \
    const cublasStatus_t em_status_ = (call);                                             \
    if (em_status_ != CUBLAS_STATUS_SUCCESS)                                              \
      ::embed_metrics::detail::throw_cublas(em_status_, __FILE__, __LINE__, #call);       \
  } while (0)

/// A kernel launch (`kernel<<<grid, block, shared, stream>>>(args)`), then its check.
#define EM_CUDA_LAUNCH(...)          \
  do {                               \
    __VA_ARGS__;                     \
    EM_CUDA_TRY(cudaGetLastError()); \
  } while (0)
