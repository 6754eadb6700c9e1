// CUDA primitives of Davies-Bouldin and Calinski-Harabasz: centroids in
// double (cuda/group_sums.cuh, a fixed order per cluster), then one warp per
// row for its squared distance to its centroid; the per-cluster sums run on
// the host in row order, as on the CPU.

#include <cmath>
#include <vector>

#include "backend/label_free_dispatch.hpp"
#include "core/validate.hpp"
#include "cuda/core/buffer.cuh"
#include "cuda/core/check.cuh"
#include "cuda/core/context.cuh"
#include "cuda/core/staging.cuh"
#include "cuda/group_sums.cuh"

namespace embed_metrics::gpu {
namespace {

__global__ void sqdist_to_centroid_kernel(const float* __restrict__ x, std::int64_t ld, std::int64_t n,
                                          std::int64_t d, const std::int64_t* __restrict__ labels,
                                          const double* __restrict__ centroids, double* __restrict__ out) {
  const std::int64_t warps = static_cast<std::int64_t>(gridDim.x) * (blockDim.x >> 5);
  for (std::int64_t i = (static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) >> 5; i < n;
       i += warps) {
    const double* c = centroids + labels[i] * d;
    double s = 0.0;
    for (std::int64_t j = threadIdx.x & 31; j < d; j += 32) {
      const double diff = static_cast<double>(x[i * ld + j]) - c[j];
      s += diff * diff;
    }
    for (int o = 16; o > 0; o >>= 1) s += __shfl_down_sync(0xffffffffu, s, o);
    if ((threadIdx.x & 31) == 0) out[i] = s;
  }
}

class cuda_cluster_scores final : public detail::cluster_score_ops {
 public:
  detail::cluster_moments moments(const resources& res, matrix_view x,
                                  const std::vector<std::int64_t>& dense,
                                  std::int64_t k) const override {
    if (x.space == memory_space::host) detail::check_finite(x, "x");
    const call_scope call(res);
    auto& ctx = call.ctx();
    const device_matrix dx = on_device(x, ctx.stream, "x");
    const std::int64_t n = dx.rows;
    const std::int64_t d = dx.cols;
    const group_order order = order_by_group(dense, k);
    device_buffer<double> centroids;
    group_means(dx.data, dx.ld, d, order, centroids, ctx.stream);
    const device_buffer<std::int64_t> labels = to_device(dense, ctx.stream, "dense labels");
    device_buffer<double> sq(static_cast<std::size_t>(n), ctx.stream, "squared distances to centroids");
    const int blocks = static_cast<int>(std::max<std::int64_t>(1, std::min<std::int64_t>((n * 32 + 255) / 256, 8192)));
    EM_CUDA_LAUNCH(sqdist_to_centroid_kernel<<<blocks, 256, 0, ctx.stream>>>(
        dx.data, dx.ld, n, d, labels.data(), centroids.data(), sq.data()));
    detail::cluster_moments m;
    m.k = k;
    m.counts.resize(static_cast<std::size_t>(k));
    for (std::int64_t g = 0; g < k; ++g)
      m.counts[static_cast<std::size_t>(g)] = order.start[static_cast<std::size_t>(g + 1)] - order.start[static_cast<std::size_t>(g)];
    m.centroids = centroids.to_host();
    const std::vector<double> h = sq.to_host();
    m.distance_sum.assign(static_cast<std::size_t>(k), 0.0);
    m.sqdistance_sum.assign(static_cast<std::size_t>(k), 0.0);
    for (std::int64_t i = 0; i < n; ++i) {
      const auto l = static_cast<std::size_t>(dense[static_cast<std::size_t>(i)]);
      m.distance_sum[l] += std::sqrt(h[static_cast<std::size_t>(i)]);
      m.sqdistance_sum[l] += h[static_cast<std::size_t>(i)];
    }
    return m;
  }
};

}  // namespace
}  // namespace embed_metrics::gpu

namespace embed_metrics::detail {
const cluster_score_ops& cuda_cluster_score_ops() {
  static const gpu::cuda_cluster_scores ops;
  return ops;
}
}  // namespace embed_metrics::detail
