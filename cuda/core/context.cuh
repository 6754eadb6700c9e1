#pragma once
// The CUDA context behind a resources handle: device, stream, cuBLAS handle.
// Scratch memory comes from the device's stream-ordered memory pool
// (cudaMallocAsync), which keeps freed blocks for reuse across calls.

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include "embed_metrics/resources.hpp"

namespace embed_metrics::detail {

struct cuda_context {
  int device = 0;
  cudaStream_t stream = nullptr;
  bool owns_stream = false;
  cublasHandle_t cublas = nullptr;
  int sm_count = 0;
};

}  // namespace embed_metrics::detail

namespace embed_metrics::gpu {

/// The context of CUDA resources, with its device made current.
detail::cuda_context& context(const resources& res);

}  // namespace embed_metrics::gpu
