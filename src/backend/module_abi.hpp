#pragma once
// The contract between the core library and the CUDA module
// (libembed_metrics_cuda.so): the one symbol the module exports, and the ABI
// version both sides are built with. A module from another build (other
// backend table or family layout) is refused instead of crashing.

#include "backend/backend.hpp"

namespace embed_metrics::detail {

/// Raise with every change of struct backend or of a family's virtual
/// functions, so that a stale module is refused by name.
inline constexpr int kBackendAbiVersion = 2;

/// The module's exported entry.
inline constexpr const char* kCudaModuleEntry = "embed_metrics_cuda_backend";

/// The module's file name, as installed beside libembed_metrics.so.
inline constexpr const char* kCudaModuleFile = "libembed_metrics_cuda.so";

/// Signature of the entry: the table when @p loader_abi is the module's own
/// ABI version, else null; @p module_abi receives the module's version.
using cuda_module_entry = const backend* (*)(int loader_abi, int* module_abi);

}  // namespace embed_metrics::detail
