// Exact silhouette on the GPU.
//
// The points are gathered in cluster order (device_points), so each cluster
// is a contiguous range of positions, and cut into blocks of kBlock points.
// Only the tiles (I, J) with J >= I are computed, strip by strip (I in
// increasing order, then J in increasing order), each with one cuBLAS SGEMM
// (-2 x.y), so each pair of points costs one dot product. A tile serves twice:
//
// - rows (tile_rows_kernel, one warp per row): the points of block I walk
//   the columns of block J left to right in chunks of 32, summing distances
//   cluster by cluster in double: a chunk inside the cluster being summed
//   adds to per-lane partial sums (no shuffles); a chunk holding a cluster
//   boundary folds the lane partials into the running sum (a fixed shuffle
//   tree) and takes a segmented scan of the chunk (segments = equal cluster
//   ids);
// - columns (tile_cols_kernel, J > I, one thread per column): the points of
//   block J walk the rows of block I top to bottom, summing sequentially.
//
// When a cluster ends its sum is final: the point's own-cluster sum, or a
// mean folded into b with min (which does not depend on order). A cluster cut
// by a block border carries its running sum to the next block in `carry`:
// one value per point suffices because every point meets the blocks in
// increasing order (blocks 0 .. J-1 as columns of the strips 0 .. J-1, then
// blocks J .. nb-1 as rows of its own strip). Every sum is thus taken in one
// fixed order set by the positions alone; the stream orders the kernels, so
// the result is the same bit for bit on a given device, with no atomics.
//
// Memory: the points in cluster order (n d floats), 3 doubles of state and a
// float norm per point, k + 1 cluster starts and k sizes, and one
// kBlock x kBlock float tile (1 GiB): O(n d + k + tile). Nothing is kept per
// (point, cluster), so k = 10^5 clusters at n = 10^6 needs no more memory
// than k = 10 (the n x k table of per-cluster sums would be 800 GB).

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

#include "backend/cuda_silhouette.hpp"
#include "backend/device_checks.hpp"
#include "cuda/core/buffer.cuh"
#include "cuda/core/check.cuh"
#include "cuda/core/context.cuh"
#include "cuda/core/distance_tile.cuh"
#include "cuda/core/staging.cuh"
#include "cuda/cuda_ops.hpp"
#include "cuda/silhouette_prep.cuh"

namespace embed_metrics::gpu {
namespace {

constexpr int kWarp = 32;
constexpr int kWarpsPerBlock = 8;
// Tiles of kBlock x kBlock points (1 GiB); below kSmallN points the smaller
// kSmallBlock wastes less on the diagonal tiles, computed whole (at W2,
// n = 50000: 58% of the n^2 pairs instead of 66%).
constexpr std::int64_t kBlock = 16384;
constexpr std::int64_t kSmallBlock = 8192;
constexpr std::int64_t kSmallN = 131072;
constexpr int kColThreads = 32;  // 256 blocks for an 8192-column tile: every SM busy
constexpr int kColBatch = 8;     // tile loads in flight per thread
constexpr unsigned kFull = 0xffffffffu;
// As the CPU backend: euclidean pairs with d^2 < kRecompute (||x||^2 + ||y||^2)
// are recomputed from the coordinates.
constexpr float kRecompute = 1.0f / 32.0f;

struct tile_args {
  const float* g;  // rows x cols, leading dimension cols: -2 x.y
  std::int64_t row0, rows, col0, cols;
  const float* xp;
  std::int64_t d;
  const float* norms;
  const std::int32_t* cluster;
  const std::int64_t* start;
  const double* inv_size;
  int metric;  // silhouette_metric as int
  double* own;
  double* b;
  double* carry;
};

__device__ float direct_sqdist(const float* a, const float* c, std::int64_t d) {
  double s = 0.0;
  for (std::int64_t j = 0; j < d; ++j) {
    const double t = static_cast<double>(a[j]) - static_cast<double>(c[j]);
    s += t * t;
  }
  return static_cast<float>(s);
}

// The metric's distance for the pair (p, q) from the tile value g = -2 x.y.
__device__ float pair_distance(float g, std::int64_t p, std::int64_t q, float xn, float yn,
                               const tile_args& a) {
  float d2 = fmaxf(g + xn + yn, 0.0f);
  if (q == p) return 0.0f;
  if (a.metric == static_cast<int>(silhouette_metric::euclidean)) {
    if (d2 < kRecompute * (xn + yn)) d2 = direct_sqdist(a.xp + p * a.d, a.xp + q * a.d, a.d);
    return sqrtf(d2);
  }
  if (a.metric == static_cast<int>(silhouette_metric::cosine)) return 0.5f * d2;
  return d2;
}

__device__ double warp_sum(double v) {
  for (int off = kWarp / 2; off > 0; off /= 2) v += __shfl_xor_sync(kFull, v, off);
  return v;
}

__device__ double warp_min(double v) {
  for (int off = kWarp / 2; off > 0; off /= 2) v = fmin(v, __shfl_xor_sync(kFull, v, off));
  return v;
}

__global__ void __launch_bounds__(kWarpsPerBlock * kWarp)
    tile_rows_kernel(tile_args a) {
  const std::int64_t i =
      static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / kWarp;
  const int lane = static_cast<int>(threadIdx.x % kWarp);
  if (i >= a.rows) return;  // whole warps leave together
  const std::int64_t p = a.row0 + i;
  const std::int32_t own = a.cluster[p];
  const float xn = a.norms[p];
  const float* g = a.g + i * a.cols;

  // Lane-local results: the smallest mean to another cluster, and the
  // own-cluster sum when this lane finalised it.
  double best = DBL_MAX;
  double own_total = 0.0;
  bool has_own = false;
  auto finalize = [&](std::int32_t c, double total) {
    if (c == own) {
      own_total = total;
      has_own = true;
    } else {
      best = fmin(best, total * a.inv_size[c]);
    }
  };

  // The cluster being summed (warp-uniform), its running sum (all lanes hold
  // the same value) and the lane partials of the chunks since the last fold.
  std::int32_t cur = a.cluster[a.col0];
  double run = a.carry[p];
  double acc = 0.0;

  for (std::int64_t base = 0; base < a.cols; base += kWarp) {
    const std::int64_t j = base + lane;
    const bool valid = j < a.cols;
    const std::int64_t q = a.col0 + j;
    std::int32_t c = -1;
    float v = 0.0f;
    if (valid) {
      c = a.cluster[q];
      v = pair_distance(g[j], p, q, xn, a.norms[q], a);
    }
    if (__all_sync(kFull, !valid || c == cur)) {
      acc += static_cast<double>(v);
      continue;
    }
    // A cluster boundary in this chunk: fold the lane partials into `run`.
    run += warp_sum(acc);
    acc = 0.0;
    const std::int32_t c0 = __shfl_sync(kFull, c, 0);
    if (c0 != cur) {  // `cur` ended exactly at the previous chunk
      if (cur >= 0 && lane == 0) finalize(cur, run);
      run = 0.0;
      cur = c0;
    }
    // Segmented inclusive scan of the chunk.
    double s = static_cast<double>(v);
    for (int off = 1; off < kWarp; off *= 2) {
      const double os = __shfl_up_sync(kFull, s, off);
      const std::int32_t oc = __shfl_up_sync(kFull, c, off);
      if (lane >= off && oc == c) s += os;
    }
    const std::int64_t left = a.cols - 1 - base;
    const int last = left < kWarp - 1 ? static_cast<int>(left) : kWarp - 1;
    const std::int32_t c_next = __shfl_down_sync(kFull, c, 1);
    const bool is_end = valid && (lane == last || c_next != c);
    const double total = s + (c == cur ? run : 0.0);
    const bool continues = lane == last && q + 1 < a.start[c + 1];
    if (is_end && !continues) finalize(c, total);
    // The segment of the last column either continues (it becomes `cur`) or
    // has just ended.
    const bool cont = __shfl_sync(kFull, continues, last);
    const std::int32_t c_last = __shfl_sync(kFull, c, last);
    const double t_last = __shfl_sync(kFull, total, last);
    cur = cont ? c_last : -1;
    run = cont ? t_last : 0.0;
  }
  run += warp_sum(acc);
  double carry_out = 0.0;
  if (cur >= 0) {
    if (a.start[cur + 1] > a.col0 + a.cols) {
      carry_out = run;
    } else if (lane == 0) {
      finalize(cur, run);
    }
  }
  best = warp_min(best);
  if (has_own) a.own[p] = own_total;
  if (lane == 0) {
    a.b[p] = fmin(a.b[p], best);
    a.carry[p] = carry_out;
  }
}

// One thread per column q of the tile: the point q walks the rows of the
// tile (block I, all before q's own block) in order.
__global__ void __launch_bounds__(kColThreads) tile_cols_kernel(tile_args a) {
  const std::int64_t j = static_cast<std::int64_t>(blockIdx.x) * kColThreads + threadIdx.x;
  if (j >= a.cols) return;
  const std::int64_t q = a.col0 + j;
  const std::int32_t own = a.cluster[q];
  const float yn = a.norms[q];
  double best = a.b[q];
  auto finalize = [&](std::int32_t c, double total) {
    if (c == own) {
      a.own[q] = total;
    } else {
      best = fmin(best, total * a.inv_size[c]);
    }
  };
  std::int32_t cur = a.cluster[a.row0];
  double run = a.carry[q];
  for (std::int64_t i0 = 0; i0 < a.rows; i0 += kColBatch) {
    // Issue the batch's tile loads before the dependent sums.
    float g[kColBatch];
#pragma unroll
    for (int t = 0; t < kColBatch; ++t)
      g[t] = i0 + t < a.rows ? a.g[(i0 + t) * a.cols + j] : 0.0f;
#pragma unroll
    for (int t = 0; t < kColBatch; ++t) {
      if (i0 + t >= a.rows) break;
      const std::int64_t p = a.row0 + i0 + t;
      const std::int32_t c = a.cluster[p];
      if (c != cur) {
        finalize(cur, run);
        cur = c;
        run = 0.0;
      }
      run += static_cast<double>(pair_distance(g[t], p, q, a.norms[p], yn, a));
    }
  }
  if (a.start[cur + 1] > a.row0 + a.rows) {
    a.carry[q] = run;
  } else {
    finalize(cur, run);
    a.carry[q] = 0.0;
  }
  a.b[q] = best;
}

__global__ void fill_kernel(double* __restrict__ v, std::int64_t n, double value) {
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) v[i] = value;
}

}  // namespace

void silhouette_sums(const resources& res, matrix_view x, const detail::silhouette_plan& plan,
                     silhouette_metric metric, std::vector<double>& own_sum,
                     std::vector<double>& b, std::int64_t block) {
  const call_scope call(res);
  auto& ctx = call.ctx();
  cudaStream_t s = ctx.stream;
  const std::int64_t n = plan.n;
  const std::int64_t d = x.cols;
  check_int32_rows(n, "embeddings", "silhouette");
  const device_matrix dx = on_device(x, s, "embeddings");

  device_points pts(res, dx, plan, metric, s);
  std::vector<double> inv(static_cast<std::size_t>(plan.k));
  for (std::int64_t c = 0; c < plan.k; ++c)
    inv[static_cast<std::size_t>(c)] = 1.0 / static_cast<double>(plan.size_of(c));
  const device_buffer<double> inv_size = to_device(inv, s);

  device_buffer<double> own(static_cast<std::size_t>(n), s);
  device_buffer<double> best(static_cast<std::size_t>(n), s);
  device_buffer<double> carry(static_cast<std::size_t>(n), s);
  own.zero();
  carry.zero();
  const auto fill_blocks = static_cast<unsigned>((n + 255) / 256);
  EM_CUDA_LAUNCH(fill_kernel<<<fill_blocks, 256, 0, s>>>(best.data(), n,
                                                         std::numeric_limits<double>::infinity()));

  const std::int64_t bs = std::min(n, block > 0 ? block : (n < kSmallN ? kSmallBlock : kBlock));
  device_buffer<float> tile(static_cast<std::size_t>(bs * bs), s, "the silhouette's distance tile");
  tile_args a{};
  a.g = tile.data();
  a.xp = pts.xp.data();
  a.d = d;
  a.norms = pts.norms.data();
  a.cluster = pts.cluster.data();
  a.start = pts.start.data();
  a.inv_size = inv_size.data();
  a.metric = static_cast<int>(metric);
  a.own = own.data();
  a.b = best.data();
  a.carry = carry.data();
  for (std::int64_t r0 = 0; r0 < n; r0 += bs) {
    const std::int64_t rows = std::min(bs, n - r0);
    for (std::int64_t c0 = r0; c0 < n; c0 += bs) {
      const std::int64_t cols = std::min(bs, n - c0);
      sgemm_nt(ctx.cublas, rows, cols, d, -2.0f, pts.xp.data() + r0 * d, d, pts.xp.data() + c0 * d,
               d, 0.0f, tile.data(), cols);
      a.row0 = r0;
      a.rows = rows;
      a.col0 = c0;
      a.cols = cols;
      const auto row_blocks = static_cast<unsigned>((rows + kWarpsPerBlock - 1) / kWarpsPerBlock);
      EM_CUDA_LAUNCH(tile_rows_kernel<<<row_blocks, kWarpsPerBlock * kWarp, 0, s>>>(a));
      if (c0 != r0) {
        const auto col_blocks = static_cast<unsigned>((cols + kColThreads - 1) / kColThreads);
        EM_CUDA_LAUNCH(tile_cols_kernel<<<col_blocks, kColThreads, 0, s>>>(a));
      }
    }
  }
  own_sum = own.to_host();
  b = best.to_host();
}

namespace {

// The passes gather the points into the CPU backend's frame themselves
// (silhouette_prep.cuh).
class silhouette final : public detail::silhouette_ops {
 public:
  void sums(const resources& res, matrix_view x, const detail::silhouette_plan& plan,
            silhouette_metric metric, std::vector<double>& own_sum,
            std::vector<double>& b) const override {
    silhouette_sums(res, x, plan, metric, own_sum, b);
  }
  void centroid_distances(const resources& res, matrix_view x, const detail::silhouette_plan& plan,
                          silhouette_metric metric, std::vector<double>& a,
                          std::vector<double>& b) const override {
    silhouette_centroid_distances(res, x, plan, metric, a, b);
  }
};

}  // namespace

const detail::silhouette_ops& silhouette_operations() {
  static const silhouette ops;
  return ops;
}

}  // namespace embed_metrics::gpu
