// Built instead of nccl_communicator.cpp when CMake finds no NCCL.

#include "dist/host_staging.hpp"
#include "embed_metrics/communicator.hpp"
#include "embed_metrics/error.hpp"

namespace embed_metrics {

bool nccl_compiled() noexcept { return false; }

std::shared_ptr<communicator> make_nccl_communicator(void* /*nccl_comm*/, void* /*cuda_stream*/) {
  throw backend_unavailable(
      "this build of embed_metrics has no NCCL communicator; build with the CUDA backend where "
      "NCCL is found (the CUDA toolkit's, or the nvidia-nccl-cu13 wheel's, given by NCCL_ROOT)");
}

namespace detail {
void* staging_allocate(std::size_t /*bytes*/) {
  throw backend_unavailable("a device-memory communicator needs a build with NCCL");
}
void staging_free(void* /*p*/) noexcept {}
void staging_copy(void* /*dst*/, const void* /*src*/, std::size_t /*bytes*/, bool /*to_device*/) {
  throw backend_unavailable("a device-memory communicator needs a build with NCCL");
}
}  // namespace detail

}  // namespace embed_metrics
