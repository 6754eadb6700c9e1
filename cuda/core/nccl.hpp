#pragma once
// The NCCL communicator of the CUDA module (nccl_communicator.cpp where CMake
// finds NCCL, no_nccl.cpp otherwise).

#include <memory>

#include "embed_metrics/communicator.hpp"

namespace embed_metrics::gpu {

[[nodiscard]] bool nccl_built() noexcept;
[[nodiscard]] std::shared_ptr<communicator> make_nccl_communicator(void* nccl_comm, void* cuda_stream);

}  // namespace embed_metrics::gpu
