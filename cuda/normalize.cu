// L2 row normalisation into packed device memory, for C++ callers (the report).

#include "backend/cuda_backend.hpp"
#include "cuda/core/buffer.cuh"
#include "cuda/core/context.cuh"
#include "cuda/core/staging.cuh"
#include "cuda/kmeans_kernels.cuh"

namespace embed_metrics::gpu {

void l2_normalize_rows(const resources& res, matrix_view x, float* out) {
  const call_scope call(res);
  auto& ctx = call.ctx();
  const device_matrix dx = on_device(x, ctx.stream);
  device_buffer<unsigned long long> first_zero(1, ctx.stream);
  const unsigned long long none = ~0ull;
  first_zero.upload(&none, 1);
  km::normalize_rows(dx.data, dx.ld, dx.rows, dx.cols, out, first_zero.data(), ctx.stream);
  const auto zero_row = first_zero.to_host()[0];
  EM_EXPECTS(zero_row == none, "embeddings row ", zero_row,
             " is all zeros and cannot be L2-normalised; drop it or run without --normalize");
}

}  // namespace embed_metrics::gpu
