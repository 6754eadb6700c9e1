// The one symbol libembed_metrics_cuda.so exports: the core library finds the
// CUDA backend's table through it when the module is loaded
// (src/backend/cuda_module.cpp).

#include <type_traits>

#include "backend/module_abi.hpp"

extern "C" __attribute__((visibility("default"))) const embed_metrics::detail::backend*
embed_metrics_cuda_backend(int loader_abi, int* module_abi) {
  if (module_abi != nullptr) *module_abi = embed_metrics::detail::kBackendAbiVersion;
  if (loader_abi != embed_metrics::detail::kBackendAbiVersion) return nullptr;
  return &embed_metrics::gpu::backend_table();
}

static_assert(
    std::is_same_v<decltype(&embed_metrics_cuda_backend), embed_metrics::detail::cuda_module_entry>,
    "the entry's signature is the loader's (src/backend/module_abi.hpp)");
