#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "cuda/spin_writer.hpp"

namespace em_test {
namespace {

// One block spins on the SM clock, then the grid copies; the spin makes the
// write land long after a host thread could queue unordered work.
template <class T>
__global__ void delayed_copy_kernel(T* __restrict__ dst, const T* __restrict__ src,
                                    std::size_t count, long long cycles) {
  if (threadIdx.x == 0) {
    const long long start = clock64();
    while (clock64() - start < cycles) {
    }
  }
  __syncthreads();
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count;
       i += static_cast<std::size_t>(gridDim.x) * blockDim.x)
    dst[i] = src[i];
}

template <class T>
void launch(T* dst, const T* src, std::size_t count, double delay_ms, void* stream) {
  int device = 0, khz = 0;
  // The SM clock in kHz; where the query fails, 2 GHz (an upper bound for
  // the GPUs of interest: the spin is then at least delay_ms long).
  if (cudaGetDevice(&device) != cudaSuccess ||
      cudaDeviceGetAttribute(&khz, cudaDevAttrClockRate, device) != cudaSuccess || khz <= 0) {
    cudaGetLastError();
    khz = 2'000'000;
  }
  const auto cycles = static_cast<long long>(delay_ms * khz);
  // One block: every thread of the copy waits for the spin.
  delayed_copy_kernel<T><<<1, 256, 0, static_cast<cudaStream_t>(stream)>>>(dst, src, count, cycles);
  const cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess) throw std::runtime_error(std::string("delayed_copy: ") + cudaGetErrorString(e));
}

}  // namespace

void delayed_copy(float* dst, const float* src, std::size_t count, double delay_ms, void* stream) {
  launch(dst, src, count, delay_ms, stream);
}

void delayed_copy(std::int64_t* dst, const std::int64_t* src, std::size_t count, double delay_ms,
                  void* stream) {
  launch(dst, src, count, delay_ms, stream);
}

}  // namespace em_test
