#pragma once
// Entry points of the CUDA backend, declared in plain C++ so that the CPU-side
// dispatch (src/) can call them. Defined in cuda/*.cu; only linked when the
// build has EMBED_METRICS_HAS_CUDA. Every function takes the resources first.

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

// --- distances (cuda/distance.cu) ---
void pairwise_sqeuclidean(const resources& res, matrix_view x, matrix_view y,
                          mutable_matrix_view out, bool same_rows);

}  // namespace embed_metrics::gpu
