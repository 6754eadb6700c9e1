#pragma once
// device_buffer<T>: RAII device memory from the context's stream-ordered pool
// (the pool of the context last entered on this thread, see context.cuh).

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "cuda/core/check.cuh"
#include "cuda/core/context.cuh"

namespace embed_metrics::gpu {

/// Copy a device array of @p count values to a new host vector (synchronises).
template <class T>
std::vector<T> to_host(const T* device, std::size_t count, cudaStream_t stream) {
  std::vector<T> out(count);
  if (count) {
    EM_CUDA_TRY(cudaMemcpyAsync(out.data(), device, count * sizeof(T), cudaMemcpyDeviceToHost, stream));
    EM_CUDA_TRY(cudaStreamSynchronize(stream));
  }
  return out;
}

template <class T>
class device_buffer {
 public:
  device_buffer() = default;
  /// @p count elements on @p stream; @p what names them in an out_of_memory message.
  device_buffer(std::size_t count, cudaStream_t stream, const char* what = "scratch memory")
      : size_(count), stream_(stream) {
    data_ = static_cast<T*>(pool_allocate(count * sizeof(T), stream, what));
  }
  ~device_buffer() { release(); }
  device_buffer(device_buffer&& o) noexcept { *this = std::move(o); }
  device_buffer& operator=(device_buffer&& o) noexcept {
    if (this != &o) {
      release();
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
      stream_ = o.stream_;
    }
    return *this;
  }
  device_buffer(const device_buffer&) = delete;
  device_buffer& operator=(const device_buffer&) = delete;

  T* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }

  /// Zero the buffer on its stream.
  void zero() { if (size_) EM_CUDA_TRY(cudaMemsetAsync(data_, 0, size_ * sizeof(T), stream_)); }

  /// Copy host values in (asynchronously; host memory must stay alive until the stream syncs).
  void upload(const T* host, std::size_t count) {
    if (count) EM_CUDA_TRY(cudaMemcpyAsync(data_, host, count * sizeof(T), cudaMemcpyHostToDevice, stream_));
  }
  /// Copy to a new host vector (synchronises the stream).
  std::vector<T> to_host() const { return gpu::to_host(data_, size_, stream_); }

 private:
  void release() noexcept {
    if (data_ != nullptr) EM_CUDA_TRY_NO_THROW(cudaFreeAsync(data_, stream_));
    data_ = nullptr;
    size_ = 0;
  }
  T* data_ = nullptr;
  std::size_t size_ = 0;
  cudaStream_t stream_ = nullptr;
};

/// A new buffer (on @p stream, named @p what) holding a copy of @p host; the
/// copy is asynchronous: @p host must stay alive until the stream syncs.
template <class T>
device_buffer<T> to_device(const std::vector<T>& host, cudaStream_t stream,
                           const char* what = "scratch memory") {
  device_buffer<T> out(host.size(), stream, what);
  out.upload(host.data(), host.size());
  return out;
}

}  // namespace embed_metrics::gpu
