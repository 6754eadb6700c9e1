#pragma once
// Checks of the views a CUDA entry point receives, before any kernel reads
// them: the pointer is where the view says (cudaPointerGetAttributes), and
// device data is finite (a kernel; host data is checked by the dispatch).

#include <cuda_runtime.h>

#include <cstdint>
#include <string_view>

#include "embed_metrics/matrix.hpp"

namespace embed_metrics::gpu {

/// Throw invalid_argument, naming @p name, when @p p (declared in @p space)
/// cannot be used by kernels on the current device: a host pointer given as
/// a device view, device memory of another device, or device memory given as
/// a host view.
void check_pointer(const void* p, memory_space space, std::string_view name);

/// Throw invalid_argument naming @p name and the first row of the n x d
/// device matrix @p x (leading dimension ld) holding NaN or Inf.
void check_finite_device(const float* x, std::int64_t ld, std::int64_t n, std::int64_t d,
                         std::string_view name, cudaStream_t stream);

}  // namespace embed_metrics::gpu
