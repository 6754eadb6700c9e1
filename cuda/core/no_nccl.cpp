// The CUDA module built where CMake found no NCCL.

#include "cuda/core/nccl.hpp"
#include "embed_metrics/error.hpp"

namespace embed_metrics::gpu {

bool nccl_built() noexcept { return false; }

std::shared_ptr<communicator> make_nccl_communicator(void* /*nccl_comm*/, void* /*cuda_stream*/) {
  throw backend_unavailable(
      "this build's CUDA module has no NCCL communicator; build where NCCL is found (the CUDA "
      "toolkit's, or the nvidia-nccl-cu13 wheel's, given by NCCL_ROOT)");
}

}  // namespace embed_metrics::gpu
