// The NCCL communicator lives in the CUDA module (it needs the CUDA runtime,
// which the core library does not link): these reach it through the module's
// device family, loading the module on first use.

#include "backend/cuda_module.hpp"
#include "dist/host_staging.hpp"
#include "embed_metrics/communicator.hpp"

namespace embed_metrics {

bool nccl_compiled() noexcept {
  try {
    return detail::cuda_module_found() && detail::cuda_backend().device->nccl_built();
  } catch (...) {
    return false;
  }
}

std::shared_ptr<communicator> make_nccl_communicator(void* nccl_comm, void* cuda_stream) {
  return detail::cuda_backend().device->nccl_communicator(nccl_comm, cuda_stream);
}

namespace detail {
void* staging_allocate(std::size_t bytes) { return cuda_backend().device->staging_allocate(bytes); }
void staging_free(void* p) noexcept {
  if (p != nullptr) cuda_backend().device->staging_free(p);
}
void staging_copy(void* dst, const void* src, std::size_t bytes, bool to_device) {
  cuda_backend().device->staging_copy(dst, src, bytes, to_device);
}
}  // namespace detail

}  // namespace embed_metrics
