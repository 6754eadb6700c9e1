// The CUDA backend's device family: the context functions of
// cuda/core/context.cu and device_checks.cu behind the device_ops interface.

#include <cuda_runtime.h>

#include "backend/cuda_backend.hpp"
#include "core/check.hpp"
#include "cuda/core/nccl.hpp"
#include "cuda/cuda_ops.hpp"
#include "embed_metrics/error.hpp"

namespace embed_metrics::gpu {
namespace {

class cuda_device_ops final : public detail::device_ops {
 public:
  int device_count() const noexcept override { return gpu::device_count(); }
  std::string device_name(int device) const override { return gpu::device_name(device); }
  detail::cuda_context* create_context(int device, void* user_stream) const override {
    return gpu::create_context(device, user_stream);
  }
  void destroy_context(detail::cuda_context* ctx) const noexcept override {
    gpu::destroy_context(ctx);
  }
  void set_stream(detail::cuda_context& ctx, void* user_stream) const override {
    gpu::set_stream(ctx, user_stream);
  }
  void* stream_of(detail::cuda_context& ctx) const noexcept override { return gpu::stream_of(ctx); }
  void synchronize(detail::cuda_context& ctx) const override { gpu::synchronize(ctx); }
  void release_memory(detail::cuda_context& ctx) const override { gpu::release_memory(ctx); }
  void trim_memory(const resources& res) const override { gpu::trim_memory(res); }
  std::size_t reserved_bytes(const resources& res) const override {
    return gpu::reserved_bytes(res);
  }
  void* allocate(const resources& res, std::size_t bytes) const override {
    return gpu::device_allocate(res, bytes);
  }
  void deallocate(const resources& res, void* p) const noexcept override {
    gpu::device_free(res, p);
  }
  void check_view(const resources& res, matrix_view x, const char* name) const override {
    gpu::check_view(res, x, name);
  }
  std::shared_ptr<communicator> nccl_communicator(void* nccl_comm,
                                                  void* cuda_stream) const override {
    return gpu::make_nccl_communicator(nccl_comm, cuda_stream);
  }
  bool nccl_built() const noexcept override { return gpu::nccl_built(); }
  void* staging_allocate(std::size_t bytes) const override {
    void* p = nullptr;
    staging_check(cudaMalloc(&p, bytes == 0 ? 1 : bytes), "cudaMalloc of the staging buffer");
    return p;
  }
  void staging_free(void* p) const noexcept override { cudaFree(p); }
  void staging_copy(void* dst, const void* src, std::size_t bytes, bool to_device) const override {
    if (bytes == 0) return;
    // A plain cudaMemcpy from pageable memory may return before its DMA has
    // landed, and the collective that reads the buffer next runs on the
    // caller's stream, which need not wait for the default one: so the copy
    // is complete when this returns.
    staging_check(cudaMemcpyAsync(dst, src, bytes,
                                  to_device ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost, 0),
                  "cudaMemcpyAsync of the staging buffer");
    staging_check(cudaStreamSynchronize(0), "cudaStreamSynchronize after the staging copy");
  }

 private:
  static void staging_check(cudaError_t rc, const char* what) {
    if (rc != cudaSuccess)
      throw cuda_error(detail::cat("CUDA ", what, " failed: ", cudaGetErrorString(rc)));
  }
};

}  // namespace

const detail::device_ops& device_family() {
  static const cuda_device_ops ops;
  return ops;
}

}  // namespace embed_metrics::gpu
