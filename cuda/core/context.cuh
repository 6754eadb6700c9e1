#pragma once
// The CUDA context behind a resources handle: device, stream, cuBLAS handle
// and a private stream-ordered memory pool.
//
// Streams: work runs on the caller's stream when one is set
// (resources::set_stream), else on a stream the context owns, created
// blocking (cudaStreamCreate), so that it is ordered after work on the legacy
// default stream, as a trainer's tensors written there are.
//
// Memory: scratch comes from a pool the context owns (cudaMemPoolCreate), not
// the device's default pool, whose settings stay the process's own. Its
// release threshold is kRetainedPoolBytes: at the synchronisation that ends
// every call, the pool gives back to the driver all it holds above that;
// release_memory() gives back the rest.

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "embed_metrics/resources.hpp"

namespace embed_metrics::detail {

struct cuda_context {
  int device = 0;
  cudaStream_t stream = nullptr;      // where work is ordered: own_stream or the caller's
  cudaStream_t own_stream = nullptr;  // made on demand, destroyed with the context
  cublasHandle_t cublas = nullptr;
  cudaMemPool_t pool = nullptr;
  int sm_count = 0;
};

}  // namespace embed_metrics::detail

namespace embed_metrics::gpu {

/// Bytes the context's pool may keep reserved after a call returns (64 MiB).
inline constexpr std::uint64_t kRetainedPoolBytes = resources::retained_device_bytes;

/// The context of CUDA resources, with its device made current, its pool made
/// the one device_buffer draws from on this thread, and a stale recoverable
/// error of earlier work cleared (a sticky one throws).
detail::cuda_context& context(const resources& res);

/// Wait for the stream (the call's frees are then done) and trim the pool to
/// kRetainedPoolBytes. Never throws (a failure is printed).
void finish_call(detail::cuda_context& ctx) noexcept;

/// One entry point's use of the context: context(res) on entry; on exit,
/// after the call's buffers (declared later, so freed first), finish_call.
class call_scope {
 public:
  explicit call_scope(const resources& res) : ctx_(context(res)) {}
  ~call_scope() { finish_call(ctx_); }
  call_scope(const call_scope&) = delete;
  call_scope& operator=(const call_scope&) = delete;
  [[nodiscard]] detail::cuda_context& ctx() const noexcept { return ctx_; }

 private:
  detail::cuda_context& ctx_;
};

/// @p bytes of device memory from the current pool on @p stream; throws
/// out_of_memory naming the size and @p what on failure.
void* pool_allocate(std::size_t bytes, cudaStream_t stream, const char* what);

}  // namespace embed_metrics::gpu
