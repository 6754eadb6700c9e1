#include <cstdint>
#include <string>

#include "backend/cuda_backend.hpp"
#include "cuda/core/check.cuh"
#include "cuda/core/context.cuh"

namespace embed_metrics::gpu {

int device_count() noexcept {
  int count = 0;
  // Without a driver or a device this returns an error and may leave count
  // unwritten: any error means "no device".
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky error state
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
    } else {
      EM_CUDA_TRY(cudaStreamCreateWithFlags(&ctx->stream, cudaStreamNonBlocking));
      ctx->owns_stream = true;
    }
    // Keep freed scratch blocks in the pool rather than returning them to the
    // driver at every synchronisation.
    cudaMemPool_t pool = nullptr;
    EM_CUDA_TRY(cudaDeviceGetDefaultMemPool(&pool, device));
    std::uint64_t threshold = UINT64_MAX;
    EM_CUDA_TRY(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &threshold));
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
  if (ctx->owns_stream && ctx->stream != nullptr) EM_CUDA_TRY_NO_THROW(cudaStreamDestroy(ctx->stream));
  delete ctx;
}

void set_stream(detail::cuda_context& ctx, void* user_stream) {
  EM_CUDA_TRY(cudaSetDevice(ctx.device));
  if (ctx.owns_stream) {
    EM_CUDA_TRY(cudaStreamSynchronize(ctx.stream));
    EM_CUDA_TRY(cudaStreamDestroy(ctx.stream));
    ctx.owns_stream = false;
  }
  ctx.stream = static_cast<cudaStream_t>(user_stream);
  EM_CUBLAS_TRY(cublasSetStream(ctx.cublas, ctx.stream));
}

void* stream_of(detail::cuda_context& ctx) noexcept { return ctx.stream; }

void synchronize(detail::cuda_context& ctx) {
  EM_CUDA_TRY(cudaSetDevice(ctx.device));
  EM_CUDA_TRY(cudaStreamSynchronize(ctx.stream));
}

detail::cuda_context& context(const resources& res) {
  detail::cuda_context& ctx = res.cuda_context();
  EM_CUDA_TRY(cudaSetDevice(ctx.device));
  return ctx;
}

}  // namespace embed_metrics::gpu

namespace embed_metrics::gpu {

void* device_allocate(const resources& res, std::size_t bytes) {
  auto& ctx = context(res);
  void* p = nullptr;
  if (bytes > 0) EM_CUDA_TRY(cudaMallocAsync(&p, bytes, ctx.stream));
  return p;
}

void device_free(const resources& res, void* p) noexcept {
  if (p == nullptr) return;
  try {
    EM_CUDA_TRY_NO_THROW(cudaFreeAsync(p, context(res).stream));
  } catch (...) {
  }
}

}  // namespace embed_metrics::gpu
