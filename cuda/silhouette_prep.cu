#include <algorithm>
#include <cmath>
#include <optional>

#include "backend/cuda_row_prep.hpp"
#include "backend/device_checks.hpp"
#include "core/check.hpp"
#include "cuda/core/buffer.cuh"
#include "cuda/core/check.cuh"
#include "cuda/core/distance_tile.cuh"
#include "cuda/row_prep.cuh"
#include "cuda/silhouette_prep.cuh"

namespace embed_metrics::gpu {
namespace {

constexpr int kWarp = 32;
constexpr int kThreads = 256;

__global__ void gather_kernel(const float* __restrict__ x, std::int64_t ldx, std::int64_t d,
                              const std::int64_t* __restrict__ src, std::int64_t n,
                              float* __restrict__ xp) {
  for (std::int64_t p = blockIdx.x; p < n; p += gridDim.x) {
    const float* r = x + src[p] * ldx;
    for (std::int64_t j = threadIdx.x; j < d; j += blockDim.x) xp[p * d + j] = r[j];
  }
}

// xp = (xp - offset) * scale, in double, rounded once (as detail::prepare_row).
__global__ void frame_kernel(float* __restrict__ xp, std::int64_t n, std::int64_t d,
                             const double* __restrict__ offset, double scale) {
  for (std::int64_t p = blockIdx.x; p < n; p += gridDim.x)
    for (std::int64_t j = threadIdx.x; j < d; j += blockDim.x)
      xp[p * d + j] = static_cast<float>((static_cast<double>(xp[p * d + j]) - offset[j]) * scale);
}

}  // namespace

device_points::device_points(const resources& res, const device_matrix& x,
                             const detail::silhouette_plan& plan, silhouette_metric metric,
                             cudaStream_t stream)
    : cluster(static_cast<std::size_t>(plan.n), stream),
      start(plan.start.size(), stream),
      xp(static_cast<std::size_t>(plan.n * x.cols), stream, "the points in cluster order"),
      norms(static_cast<std::size_t>(plan.n), stream) {
  const std::int64_t n = plan.n;
  const std::int64_t d = x.cols;
  cluster.upload(plan.cluster.data(), static_cast<std::size_t>(n));
  start.upload(plan.start.data(), plan.start.size());
  if (n == 0) return;
  const device_buffer<std::int64_t> source_row = to_device(plan.source_row, stream);
  const int row_threads = static_cast<int>(std::min<std::int64_t>(kThreads, ((d + kWarp - 1) / kWarp) * kWarp));
  // One block per row, grid-stride past gridDim.x's limit.
  const auto row_blocks = static_cast<unsigned>(std::min<std::int64_t>(n, kMaxGridX));
  EM_CUDA_LAUNCH(gather_kernel<<<row_blocks, row_threads, 0, stream>>>(
      x.data, x.ld, d, source_row.data(), n, xp.data()));
  if (metric == silhouette_metric::cosine) {
    unit_rows(xp.data(), d, n, d, xp.data(), nullptr, norms.data(), stream);
    return;
  }
  const matrix_view frame_rows = n == x.rows
                                     ? matrix_view(x.data, x.rows, d, x.ld, memory_space::device)
                                     : matrix_view(xp.data(), n, d, d, memory_space::device);
  const std::optional<detail::row_frame> frame = fit_row_frame(res, frame_rows);
  EM_EXPECTS(frame.has_value(),
             "silhouette: the embeddings have a non-finite value: remove or "
             "replace NaN/Inf rows first");
  const device_buffer<double> offset = to_device(frame->offset, stream);
  EM_CUDA_LAUNCH(frame_kernel<<<row_blocks, row_threads, 0, stream>>>(
      xp.data(), n, d, offset.data(), std::ldexp(1.0, -frame->exponent)));
  // The host offsets must outlive their upload.
  EM_CUDA_TRY(cudaStreamSynchronize(stream));
  row_sqnorms(xp.data(), n, d, d, norms.data(), stream);
}

}  // namespace embed_metrics::gpu
