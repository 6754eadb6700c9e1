#include <algorithm>
#include <limits>
#include <string>

#include "backend/cuda_backend.hpp"
#include "backend/device_checks.hpp"
#include "cuda/core/buffer.cuh"
#include "cuda/core/check.cuh"
#include "cuda/core/staging.cuh"

namespace embed_metrics::gpu {
namespace {

constexpr int kThreads = 256;

__global__ void first_nonfinite_kernel(const float* __restrict__ x, std::int64_t ld, std::int64_t n,
                                       std::int64_t d, unsigned long long* first_bad) {
  const std::int64_t count = n * d;
  for (std::int64_t e = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; e < count;
       e += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t i = e / d;
    if (!isfinite(x[i * ld + e % d])) atomicMin(first_bad, static_cast<unsigned long long>(i));
  }
}

pointer_kind kind_of(const cudaPointerAttributes& a) {
  switch (a.type) {
    case cudaMemoryTypeDevice: return pointer_kind::device;
    case cudaMemoryTypeManaged: return pointer_kind::managed;
    case cudaMemoryTypeHost: return pointer_kind::host;
    default: return pointer_kind::unregistered;
  }
}

}  // namespace

void check_pointer(const void* p, memory_space space, std::string_view name) {
  if (p == nullptr) return;  // empty views; shapes are checked by the dispatch
  cudaPointerAttributes a{};
  EM_CUDA_TRY(cudaPointerGetAttributes(&a, p));
  int device = 0;
  EM_CUDA_TRY(cudaGetDevice(&device));
  const std::string problem = pointer_problem(kind_of(a), a.device, space, device, name);
  EM_EXPECTS(problem.empty(), problem);
}

void check_finite_device(const float* x, std::int64_t ld, std::int64_t n, std::int64_t d,
                         std::string_view name, cudaStream_t stream) {
  if (n * d == 0) return;
  device_buffer<unsigned long long> first(1, stream, "the finiteness check's result");
  EM_CUDA_TRY(cudaMemsetAsync(first.data(), 0xff, sizeof(unsigned long long), stream));
  const auto blocks = static_cast<unsigned>(capped_blocks(n * d, kThreads, 1 << 16));
  EM_CUDA_LAUNCH(
      first_nonfinite_kernel<<<blocks, kThreads, 0, stream>>>(x, ld, n, d, first.data()));
  const auto row = first.to_host()[0];
  EM_EXPECTS(row == std::numeric_limits<unsigned long long>::max(), name,
             " has a non-finite value (NaN or Inf) at row ", row,
             ": remove or replace NaN/Inf rows first");
}

void check_view(const resources& res, matrix_view x, const char* name) {
  (void)context(res);
  check_pointer(x.data, x.space, name);
}

}  // namespace embed_metrics::gpu
