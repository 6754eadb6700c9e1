// Simplified silhouette (an approximation) on the GPU: distances of each
// point to the k cluster centroids. Centroids are summed in double in position
// order (one thread per cluster and dimension); a GEMM tile of points x
// centroids finds the nearest other centroid, and the distances that decide
// a and b are then recomputed from the coordinates in double. Deterministic.

#include <algorithm>
#include <cfloat>

#include "backend/cuda_silhouette.hpp"
#include "backend/device_checks.hpp"
#include "cuda/core/buffer.cuh"
#include "cuda/core/check.cuh"
#include "cuda/core/context.cuh"
#include "cuda/core/distance_tile.cuh"
#include "cuda/core/staging.cuh"
#include "cuda/silhouette_prep.cuh"

namespace embed_metrics::gpu {
namespace {

constexpr int kWarp = 32;
constexpr int kThreads = 256;
constexpr unsigned kFull = 0xffffffffu;
constexpr std::int64_t kTileFloats = std::int64_t{1} << 26;

// Block c: centroid c in double (cosine: scaled to unit length) and as float.
__global__ void centroid_kernel(const float* __restrict__ xp, std::int64_t d,
                                const std::int64_t* __restrict__ start, bool unit,
                                double* __restrict__ cd, float* __restrict__ cf) {
  __shared__ double partial[kThreads];
  const std::int64_t c = blockIdx.x;
  const std::int64_t p0 = start[c];
  const std::int64_t p1 = start[c + 1];
  double sq = 0.0;
  for (std::int64_t j = threadIdx.x; j < d; j += blockDim.x) {
    double s = 0.0;
    for (std::int64_t p = p0; p < p1; ++p) s += static_cast<double>(xp[p * d + j]);
    s /= static_cast<double>(p1 - p0);
    cd[c * d + j] = s;
    sq += s * s;
  }
  partial[threadIdx.x] = sq;
  __syncthreads();
  for (int w = kThreads / 2; w > 0; w /= 2) {
    if (static_cast<int>(threadIdx.x) < w) partial[threadIdx.x] += partial[threadIdx.x + w];
    __syncthreads();
  }
  const double scale = unit ? (partial[0] > 0.0 ? 1.0 / sqrt(partial[0]) : 0.0) : 1.0;
  for (std::int64_t j = threadIdx.x; j < d; j += blockDim.x) {
    const double v = cd[c * d + j] * scale;
    cd[c * d + j] = v;
    cf[c * d + j] = static_cast<float>(v);
  }
}

// The metric's distance from point row p to centroid row c, by one warp
// (double, fixed shuffle tree; every lane gets the value).
__device__ double warp_direct(const float* xrow, const double* crow, std::int64_t d, int lane,
                              int metric) {
  double s = 0.0;
  for (std::int64_t j = lane; j < d; j += kWarp) {
    if (metric == static_cast<int>(silhouette_metric::cosine)) {
      s += static_cast<double>(xrow[j]) * crow[j];
    } else {
      const double t = static_cast<double>(xrow[j]) - crow[j];
      s += t * t;
    }
  }
  for (int off = kWarp / 2; off > 0; off /= 2) s += __shfl_xor_sync(kFull, s, off);
  if (metric == static_cast<int>(silhouette_metric::cosine)) return fmax(1.0 - s, 0.0);
  if (metric == static_cast<int>(silhouette_metric::euclidean)) return sqrt(s);
  return s;
}

// One warp per point of the row block.
__global__ void nearest_kernel(const float* __restrict__ t, std::int64_t rows, std::int64_t k,
                               std::int64_t row0, const float* __restrict__ xp, std::int64_t d,
                               const float* __restrict__ xn, const double* __restrict__ cd,
                               const std::int32_t* __restrict__ cluster, int metric,
                               double* __restrict__ a_out, double* __restrict__ b_out) {
  const std::int64_t i =
      static_cast<std::int64_t>(blockIdx.x) * (blockDim.x / kWarp) + threadIdx.x / kWarp;
  const int lane = static_cast<int>(threadIdx.x % kWarp);
  if (i >= rows) return;
  const std::int64_t p = row0 + i;
  const std::int32_t own = cluster[p];
  const float* r = t + i * k;
  float best = FLT_MAX;
  for (std::int64_t c = lane; c < k; c += kWarp)
    if (c != own) best = fminf(best, r[c]);
  for (int off = kWarp / 2; off > 0; off /= 2) best = fminf(best, __shfl_xor_sync(kFull, best, off));
  // Every centroid within float rounding of the best is checked exactly.
  const float slack = 1e-4f * (xn[p] + best) + 1e-6f;
  const float* xrow = xp + p * d;
  double b = DBL_MAX;
  for (std::int64_t c0 = 0; c0 < k; c0 += kWarp) {
    const std::int64_t c = c0 + lane;
    const bool cand = c < k && c != own && r[c] <= best + slack;
    unsigned mask = __ballot_sync(kFull, cand);
    while (mask != 0u) {
      const int l = __ffs(static_cast<int>(mask)) - 1;
      mask &= mask - 1;
      b = fmin(b, warp_direct(xrow, cd + (c0 + l) * d, d, lane, metric));
    }
  }
  const double a = warp_direct(xrow, cd + static_cast<std::int64_t>(own) * d, d, lane, metric);
  if (lane == 0) {
    a_out[p] = a;
    b_out[p] = b;
  }
}

}  // namespace

void silhouette_centroid_distances(const resources& res, matrix_view x,
                                   const detail::silhouette_plan& plan, silhouette_metric metric,
                                   std::vector<double>& a, std::vector<double>& b) {
  const call_scope call(res);
  auto& ctx = call.ctx();
  cudaStream_t s = ctx.stream;
  const std::int64_t n = plan.n;
  const std::int64_t d = x.cols;
  const std::int64_t k = plan.k;
  check_int32_rows(n, "embeddings", "silhouette_simplified");
  const device_matrix dx = on_device(x, s, "embeddings");
  // Unit rows for cosine, rows in the CPU backend's frame otherwise (the
  // centroids move with the points; a uniform scale changes no silhouette).
  device_points pts(res, dx, plan, metric, s);
  const float* xp = pts.xp.data();
  float* xn = pts.norms.data();
  if (metric == silhouette_metric::cosine) row_sqnorms(xp, n, d, d, xn, s);

  device_buffer<double> cd(static_cast<std::size_t>(k * d), s);
  device_buffer<float> cf(static_cast<std::size_t>(k * d), s);
  device_buffer<float> cn(static_cast<std::size_t>(k), s);
  EM_CUDA_LAUNCH(centroid_kernel<<<static_cast<unsigned>(k), kThreads, 0, s>>>(
      xp, d, pts.start.data(), metric == silhouette_metric::cosine, cd.data(), cf.data()));
  row_sqnorms(cf.data(), k, d, d, cn.data(), s);

  device_buffer<double> da(static_cast<std::size_t>(n), s);
  device_buffer<double> db(static_cast<std::size_t>(n), s);
  const std::int64_t rb = std::max<std::int64_t>(1, std::min(n, kTileFloats / k));
  device_buffer<float> tile(static_cast<std::size_t>(rb * k), s);
  constexpr int kWarpsPerBlock = kThreads / kWarp;
  for (std::int64_t r0 = 0; r0 < n; r0 += rb) {
    const std::int64_t rows = std::min(rb, n - r0);
    sqdist_tile(ctx.cublas, xp + r0 * d, rows, xn + r0, d, cf.data(), k, cn.data(), d, d,
                tile.data(), k, false, 0, 0, s);
    const auto blocks = static_cast<unsigned>((rows + kWarpsPerBlock - 1) / kWarpsPerBlock);
    EM_CUDA_LAUNCH(nearest_kernel<<<blocks, kThreads, 0, s>>>(
        tile.data(), rows, k, r0, xp, d, xn, cd.data(), pts.cluster.data(),
        static_cast<int>(metric), da.data(), db.data()));
  }
  a = da.to_host();
  b = db.to_host();
}

}  // namespace embed_metrics::gpu
