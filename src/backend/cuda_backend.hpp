#pragma once
// Entry points of the CUDA backend, declared in plain C++ so that the CPU-side
// dispatch (src/) can call them. Defined in cuda/*.cu; only linked when the
// build has EMBED_METRICS_HAS_CUDA. Every function takes the resources first.

#include <cstddef>
#include <string>

#include "embed_metrics/matrix.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::gpu {

// --- device probe and context (cuda/core/context.cu) ---
int device_count() noexcept;                      // 0 on any error
std::string device_name(int device);              // "NVIDIA H100 80GB HBM3"
detail::cuda_context* create_context(int device, void* user_stream);
void destroy_context(detail::cuda_context* ctx) noexcept;
void set_stream(detail::cuda_context& ctx, void* user_stream);
void* stream_of(detail::cuda_context& ctx) noexcept;
void synchronize(detail::cuda_context& ctx);
/// Wait for the stream, then give every byte the context's pool holds back to the driver.
void release_memory(detail::cuda_context& ctx);
/// End of a call made of backend pieces: wait for the stream, trim the pool
/// to resources::retained_device_bytes.
void trim_memory(const resources& res);
/// Bytes the context's memory pool holds reserved now (for tests).
std::size_t reserved_bytes(const resources& res);
/// Throw invalid_argument, naming @p name, when the pointer of @p x is not
/// where its memory space says (for dispatch paths that copy a view as is).
void check_view(const resources& res, matrix_view x, const char* name);

}  // namespace embed_metrics::gpu

namespace embed_metrics::gpu {

// --- device scratch for C++ callers (cuda/core/context.cu) ---
void* device_allocate(const resources& res, std::size_t bytes);
void device_free(const resources& res, void* p) noexcept;

}  // namespace embed_metrics::gpu
