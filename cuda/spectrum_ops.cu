// CUDA primitives of the spectrum metrics: the centred second moments from
// the Gaussian entropy's device passes (the entropy family's gram / row_gram), and the
// within-group scatter from residuals in double blocks and cublasDgemm.

#include <algorithm>
#include <vector>

#include "backend/cuda_backend.hpp"
#include "backend/label_free_dispatch.hpp"
#include "core/validate.hpp"
#include "cuda/core/buffer.cuh"
#include "cuda/core/check.cuh"
#include "cuda/core/context.cuh"
#include "cuda/core/staging.cuh"
#include "cuda/cuda_ops.hpp"
#include "cuda/group_sums.cuh"

namespace embed_metrics::gpu {
namespace {

constexpr std::int64_t kResidualRows = 8192;

// dst (rows x d, packed) = x rows i0 .. i0 + rows - 1 minus their group mean.
__global__ void residual_kernel(const float* __restrict__ x, std::int64_t ld, std::int64_t i0,
                                std::int64_t rows, std::int64_t d, const std::int64_t* __restrict__ groups,
                                const double* __restrict__ means, double* __restrict__ dst) {
  const std::int64_t count = rows * d;
  for (std::int64_t t = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; t < count;
       t += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t i = t / d;
    const std::int64_t j = t - i * d;
    dst[t] = static_cast<double>(x[(i0 + i) * ld + j]) - means[groups[i0 + i] * d + j];
  }
}

class cuda_spectrum final : public detail::spectrum_ops {
 public:
  std::vector<double> centred_second_moments(const resources& res, matrix_view x) const override {
    if (x.space == memory_space::host) detail::check_finite(x, "x");
    const std::int64_t n = x.rows;
    const std::int64_t d = x.cols;
    std::vector<double> g;
    if (n < d) {
      entropy_operations().row_gram(res, x, /*centre=*/true, g);
      trim_memory(res);
      return g;
    }
    std::vector<double> s;
    entropy_operations().gram(res, x, /*shift_by_first_row=*/true, g, s);
    trim_memory(res);
    const double nd = static_cast<double>(n);
    for (std::int64_t i = 0; i < d; ++i)
      for (std::int64_t j = 0; j < d; ++j)
        g[static_cast<std::size_t>(i * d + j)] -= s[static_cast<std::size_t>(i)] * s[static_cast<std::size_t>(j)] / nd;
    return g;
  }

  detail::group_scatter scatter(const resources& res, matrix_view x, const std::vector<std::int64_t>& dense,
                                std::int64_t groups) const override {
    if (x.space == memory_space::host) detail::check_finite(x, "x");
    const call_scope call(res);
    auto& ctx = call.ctx();
    const device_matrix dx = on_device(x, ctx.stream, "x");
    const std::int64_t n = dx.rows;
    const std::int64_t d = dx.cols;
    const group_order order = order_by_group(dense, groups);
    device_buffer<double> means;
    group_means(dx.data, dx.ld, d, order, means, ctx.stream);
    const device_buffer<std::int64_t> ids = to_device(dense, ctx.stream, "dense group ids");
    device_buffer<double> within(static_cast<std::size_t>(d * d), ctx.stream, "the within-group scatter");
    within.zero();
    const std::int64_t block = std::min(kResidualRows, n);
    device_buffer<double> resid(static_cast<std::size_t>(block * d), ctx.stream, "residuals in double");
    const double one = 1.0;
    for (std::int64_t i0 = 0; i0 < n; i0 += block) {
      const std::int64_t rows = std::min(block, n - i0);
      const int blocks = static_cast<int>(std::max<std::int64_t>(1, std::min<std::int64_t>((rows * d + 255) / 256, 8192)));
      EM_CUDA_LAUNCH(residual_kernel<<<blocks, 256, 0, ctx.stream>>>(
          dx.data, dx.ld, i0, rows, d, ids.data(), means.data(), resid.data()));
      // Row-major residuals are a column-major d x rows matrix R; W += R R^T.
      EM_CUBLAS_TRY(cublasDgemm_64(ctx.cublas, CUBLAS_OP_N, CUBLAS_OP_T, d, d, rows, &one, resid.data(), d,
                                   resid.data(), d, &one, within.data(), d));
    }
    detail::group_scatter s;
    s.groups = groups;
    s.counts.resize(static_cast<std::size_t>(groups));
    for (std::int64_t g = 0; g < groups; ++g)
      s.counts[static_cast<std::size_t>(g)] = order.start[static_cast<std::size_t>(g + 1)] - order.start[static_cast<std::size_t>(g)];
    s.means = means.to_host();
    s.within = within.to_host();
    return s;
  }
};

}  // namespace
}  // namespace embed_metrics::gpu

namespace embed_metrics::detail {
const spectrum_ops& cuda_spectrum_ops() {
  static const gpu::cuda_spectrum ops;
  return ops;
}
}  // namespace embed_metrics::detail
