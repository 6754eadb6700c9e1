#include <cstdint>
#include <string>

#include "backend/cuda_backend.hpp"
#include "cuda/core/check.cuh"
#include "cuda/core/context.cuh"

namespace embed_metrics::gpu {
namespace {

thread_local cudaMemPool_t tls_pool = nullptr;

std::string human_bytes(std::size_t bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024.0 && u < 4) {
    v /= 1024.0;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.2f %s", v, units[u]);
  return buf;
}

cudaMemPool_t make_pool(int device) {
  cudaMemPoolProps props{};
  props.allocType = cudaMemAllocationTypePinned;
  props.handleTypes = cudaMemHandleTypeNone;
  props.location.type = cudaMemLocationTypeDevice;
  props.location.id = device;
  cudaMemPool_t pool = nullptr;
  EM_CUDA_TRY(cudaMemPoolCreate(&pool, &props));
  std::uint64_t threshold = kRetainedPoolBytes;
  EM_CUDA_TRY(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &threshold));
  return pool;
}

cudaStream_t own_stream(detail::cuda_context& ctx) {
  // Blocking (no cudaStreamNonBlocking): ordered after the legacy default stream.
  if (ctx.own_stream == nullptr) EM_CUDA_TRY(cudaStreamCreate(&ctx.own_stream));
  return ctx.own_stream;
}

void check_stream_device(cudaStream_t stream, int device) {
  if (stream == nullptr || stream == cudaStreamLegacy || stream == cudaStreamPerThread) return;
  int on = -1;
  EM_CUDA_TRY(cudaStreamGetDevice(stream, &on));
  EM_EXPECTS(on == device, "set_stream: the stream belongs to cuda:", on,
             " but the resources run on cuda:", device, "; give a stream of that device");
}

}  // namespace

int device_count() noexcept {
  int count = 0;
  // Without a driver or a device this returns an error and may leave count
  // unwritten: any error means "no device".
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the error state
    return 0;
  }
  return count;
}

std::string device_name(int device) {
  cudaDeviceProp prop{};
  EM_CUDA_TRY(cudaGetDeviceProperties(&prop, device));
  return prop.name;
}

detail::cuda_context* create_context(int device, void* user_stream) {
  auto* ctx = new detail::cuda_context{};
  try {
    ctx->device = device;
    EM_CUDA_TRY(cudaSetDevice(device));
    EM_CUDA_TRY(cudaDeviceGetAttribute(&ctx->sm_count, cudaDevAttrMultiProcessorCount, device));
    if (user_stream != nullptr) {
      ctx->stream = static_cast<cudaStream_t>(user_stream);
      check_stream_device(ctx->stream, device);
    } else {
      ctx->stream = own_stream(*ctx);
    }
    ctx->pool = make_pool(device);
    EM_CUBLAS_TRY(cublasCreate(&ctx->cublas));
    EM_CUBLAS_TRY(cublasSetStream(ctx->cublas, ctx->stream));
    // Full fp32 math: no TF32 unless a caller asks for it explicitly.
    EM_CUBLAS_TRY(cublasSetMathMode(ctx->cublas, CUBLAS_DEFAULT_MATH));
  } catch (...) {
    destroy_context(ctx);
    throw;
  }
  return ctx;
}

void destroy_context(detail::cuda_context* ctx) noexcept {
  if (ctx == nullptr) return;
  cudaSetDevice(ctx->device);
  if (ctx->stream != nullptr) EM_CUDA_TRY_NO_THROW(cudaStreamSynchronize(ctx->stream));
  if (ctx->cublas != nullptr) cublasDestroy(ctx->cublas);
  if (ctx->own_stream != nullptr) EM_CUDA_TRY_NO_THROW(cudaStreamDestroy(ctx->own_stream));
  if (ctx->pool != nullptr) {
    if (tls_pool == ctx->pool) tls_pool = nullptr;
    EM_CUDA_TRY_NO_THROW(cudaMemPoolDestroy(ctx->pool));
  }
  delete ctx;
}

void set_stream(detail::cuda_context& ctx, void* user_stream) {
  EM_CUDA_TRY(cudaSetDevice(ctx.device));
  cudaStream_t next = user_stream != nullptr ? static_cast<cudaStream_t>(user_stream) : own_stream(ctx);
  if (next == ctx.stream) return;
  check_stream_device(next, ctx.device);
  // Work queued by earlier calls on the old stream (device outputs, frees to
  // the pool) comes before anything queued on the new one; no host wait.
  cudaEvent_t done = nullptr;
  EM_CUDA_TRY(cudaEventCreateWithFlags(&done, cudaEventDisableTiming));
  const cudaError_t recorded = cudaEventRecord(done, ctx.stream);
  const cudaError_t waited = recorded == cudaSuccess ? cudaStreamWaitEvent(next, done, 0) : recorded;
  cudaEventDestroy(done);
  EM_CUDA_TRY(waited);
  ctx.stream = next;
  EM_CUBLAS_TRY(cublasSetStream(ctx.cublas, ctx.stream));
}

void* stream_of(detail::cuda_context& ctx) noexcept { return ctx.stream; }

void synchronize(detail::cuda_context& ctx) {
  EM_CUDA_TRY(cudaSetDevice(ctx.device));
  EM_CUDA_TRY(cudaStreamSynchronize(ctx.stream));
}

void release_memory(detail::cuda_context& ctx) {
  synchronize(ctx);
  EM_CUDA_TRY(cudaMemPoolTrimTo(ctx.pool, 0));
}

std::size_t reserved_bytes(const resources& res) {
  auto& ctx = context(res);
  std::uint64_t reserved = 0;
  EM_CUDA_TRY(cudaMemPoolGetAttribute(ctx.pool, cudaMemPoolAttrReservedMemCurrent, &reserved));
  return static_cast<std::size_t>(reserved);
}

detail::cuda_context& context(const resources& res) {
  detail::cuda_context& ctx = res.cuda_context();
  EM_CUDA_TRY(cudaSetDevice(ctx.device));
  // An error left by earlier work (the caller's or a failed call of ours)
  // must not be reported by this call's launch checks; a sticky one cannot
  // be cleared and is reported now.
  const cudaError_t stale = cudaGetLastError();
  if (detail::is_sticky(stale))
    throw cuda_error(detail::cat(
        "an earlier CUDA error (", cudaGetErrorName(stale),
        ") left the process's CUDA context unusable; restart the process (run it under "
        "compute-sanitizer to find the faulting access)"));
  tls_pool = ctx.pool;
  return ctx;
}

void finish_call(detail::cuda_context& ctx) noexcept {
  EM_CUDA_TRY_NO_THROW(cudaStreamSynchronize(ctx.stream));
  EM_CUDA_TRY_NO_THROW(cudaMemPoolTrimTo(ctx.pool, kRetainedPoolBytes));
}

void trim_memory(const resources& res) {
  finish_call(context(res));
}

void* pool_allocate(std::size_t bytes, cudaStream_t stream, const char* what) {
  void* p = nullptr;
  if (bytes == 0) return p;
  const cudaError_t status = tls_pool != nullptr
                                 ? cudaMallocFromPoolAsync(&p, bytes, tls_pool, stream)
                                 : cudaMallocAsync(&p, bytes, stream);
  if (status == cudaErrorMemoryAllocation) {
    cudaGetLastError();
    int device = -1;
    cudaGetDevice(&device);
    std::size_t free_bytes = 0, total = 0;
    cudaMemGetInfo(&free_bytes, &total);
    cudaGetLastError();
    throw out_of_memory(detail::cat(
        "cuda:", device, ": could not allocate ", human_bytes(bytes), " (", bytes, " bytes) for ",
        what, "; ", human_bytes(free_bytes), " of ", human_bytes(total),
        " are free: free device memory (a framework's cache, e.g. torch.cuda.empty_cache()), "
        "use smaller inputs, or call resources::release_memory()"));
  }
  if (status != cudaSuccess) detail::throw_cuda(status, __FILE__, __LINE__, "cudaMallocFromPoolAsync");
  return p;
}

void* device_allocate(const resources& res, std::size_t bytes) {
  auto& ctx = context(res);
  return pool_allocate(bytes, ctx.stream, "the L2-normalised copy of the embeddings");
}

void device_free(const resources& res, void* p) noexcept {
  if (p == nullptr) return;
  try {
    auto& ctx = context(res);
    EM_CUDA_TRY_NO_THROW(cudaFreeAsync(p, ctx.stream));
    finish_call(ctx);  // the pool keeps no more than it would after a call
  } catch (...) {
  }
}

}  // namespace embed_metrics::gpu
