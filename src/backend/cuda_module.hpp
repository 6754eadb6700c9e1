#pragma once
// The CUDA backend as a module loaded on first use: the core library links no
// CUDA library; the first CUDA resources handle loads libembed_metrics_cuda.so
// (which links the CUDA runtime and cuBLAS), so that a CPU-only process never
// maps them.

#include <string>

#include "backend/backend.hpp"

namespace embed_metrics::detail {

/// The CUDA module's table, loaded on the first call (thread-safe). Throws
/// backend_unavailable saying where the module was looked for and why each
/// place failed; the outcome of the first attempt is kept.
[[nodiscard]] const backend& cuda_backend();

/// True when the module's file is where cuda_backend() looks (nothing is loaded).
[[nodiscard]] bool cuda_module_found() noexcept;

/// Devices the CUDA driver (libcuda.so.1, opened and closed again) reports; 0
/// without a driver or on any error. Never loads the module.
[[nodiscard]] int cuda_driver_device_count() noexcept;

}  // namespace embed_metrics::detail
