// CUDA backend of the exact kNN search: tiles of cuBLAS SGEMM distances, a
// warp-per-row k-smallest selection merged across column tiles, then the
// candidates' distances recomputed in double and sorted (as the CPU backend).

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>

#include "cpu/knn.hpp"
#include "cuda/core/buffer.cuh"
#include "cuda/core/check.cuh"
#include "cuda/core/context.cuh"
#include "cuda/core/distance_tile.cuh"
#include "cuda/core/staging.cuh"
#include "cuda/cuda_ops.hpp"
#include "cuda/row_prep.cuh"

namespace embed_metrics::gpu {
namespace {

constexpr int kWarp = 32;
constexpr int kWarpsPerBlock = 8;
constexpr unsigned kFull = 0xffffffffu;
constexpr int kNoIndex = INT_MAX;  // empty slot; sorts after every real index
// Tile of the distance matrix: 8192 x 16384 floats (512 MiB). Each row of a
// tile is scanned by one warp, so 8192 rows fill an H100 about once.
constexpr std::int64_t kTileRows = 8192;
constexpr std::int64_t kTileCols = 16384;

__device__ __forceinline__ bool before(float va, int ia, float vb, int ib) {
  return va < vb || (va == vb && ia < ib);
}

// Insert (v, id) into the sorted register list (val, idx) of Cap entries,
// dropping the last; only called when (v, id) comes before the last entry.
template <int Cap>
__device__ __forceinline__ void insert(float (&val)[Cap], int (&idx)[Cap], float v, int id) {
#pragma unroll
  for (int p = Cap - 1; p > 0; --p) {
    if (before(v, id, val[p - 1], idx[p - 1])) {
      val[p] = val[p - 1];
      idx[p] = idx[p - 1];
    } else if (before(v, id, val[p], idx[p])) {
      val[p] = v;
      idx[p] = id;
    }
  }
  if (before(v, id, val[0], idx[0])) {
    val[0] = v;
    idx[0] = id;
  }
}

__global__ void fill_kernel(float* v, int* i, std::int64_t count) {
  for (std::int64_t t = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; t < count;
       t += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    v[t] = __int_as_float(0x7f800000);  // +inf
    i[t] = kNoIndex;
  }
}

// One warp per tile row: merge the row's running list (best_*, Cap entries,
// from earlier column tiles, all with smaller indices) with the tile's
// columns. The tile holds -2 x.y (Euclidean: value ||x||^2 + ||y||^2 - 2 x.y)
// or -x.y of unit rows (cosine: value 1 - x.y).
template <int Cap>
__global__ void __launch_bounds__(kWarpsPerBlock * kWarp)
    select_kernel(const float* __restrict__ tile, std::int64_t rows, std::int64_t cols,
                  std::int64_t ldt, const float* __restrict__ xn, const float* __restrict__ yn,
                  std::int64_t r0, std::int64_t c0, bool cosine, float* __restrict__ best_v,
                  int* __restrict__ best_i) {
  const std::int64_t row = static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / kWarp;
  const int lane = static_cast<int>(threadIdx.x % kWarp);
  if (row >= rows) return;
  const int gi = static_cast<int>(r0 + row);
  float* bv = best_v + static_cast<std::int64_t>(gi) * Cap;
  int* bi = best_i + static_cast<std::int64_t>(gi) * Cap;

  float val[Cap];
  int idx[Cap];
#pragma unroll
  for (int p = 0; p < Cap; ++p) {
    val[p] = __int_as_float(0x7f800000);
    idx[p] = kNoIndex;
  }
  for (int t = lane; t < Cap; t += kWarp) {
    const float v = bv[t];
    const int id = bi[t];
    if (before(v, id, val[Cap - 1], idx[Cap - 1])) insert<Cap>(val, idx, v, id);
  }
  // Nothing that does not come before the running list's last entry can enter it.
  const float thr_v = bv[Cap - 1];
  const int thr_i = bi[Cap - 1];

  const float* tr = tile + row * ldt;
  const float xi = cosine ? 0.0f : xn[row];
  for (std::int64_t j = lane; j < cols; j += kWarp) {
    const float t = tr[j];
    const float v = cosine ? 1.0f + t : fmaxf(xi + yn[j] + t, 0.0f);
    const int gj = static_cast<int>(c0 + j);
    if (gj != gi && before(v, gj, thr_v, thr_i) && before(v, gj, val[Cap - 1], idx[Cap - 1]))
      insert<Cap>(val, idx, v, gj);
  }
  __syncwarp();

  // Merge the 32 sorted lane lists: Cap rounds of a warp argmin of the heads.
  for (int r = 0; r < Cap; ++r) {
    float mv = val[0];
    int mi = idx[0];
#pragma unroll
    for (int off = kWarp / 2; off > 0; off /= 2) {
      const float ov = __shfl_xor_sync(kFull, mv, off);
      const int oi = __shfl_xor_sync(kFull, mi, off);
      if (before(ov, oi, mv, mi)) {
        mv = ov;
        mi = oi;
      }
    }
    if (mi != kNoIndex && idx[0] == mi) {  // this lane's head won: pop it
#pragma unroll
      for (int p = 0; p < Cap - 1; ++p) {
        val[p] = val[p + 1];
        idx[p] = idx[p + 1];
      }
      val[Cap - 1] = __int_as_float(0x7f800000);
      idx[Cap - 1] = kNoIndex;
    }
    if (lane == 0) {
      bv[r] = mv;
      bi[r] = mi;
    }
  }
}

// One warp per row: exact double distances to the row's Cap candidates, then
// lane 0 sorts them by (distance, index) and writes the first k.
__global__ void __launch_bounds__(kWarpsPerBlock * kWarp)
    refine_kernel(const float* __restrict__ x, std::int64_t n, std::int64_t d, std::int64_t ldx,
                  const int* __restrict__ cand, int cap, int k, bool cosine,
                  std::int64_t* __restrict__ out_idx, float* __restrict__ out_dist) {
  extern __shared__ unsigned char smem[];
  const int warp = static_cast<int>(threadIdx.x / kWarp);
  const int lane = static_cast<int>(threadIdx.x % kWarp);
  double* dist = reinterpret_cast<double*>(smem) + warp * cap;
  int* ids = reinterpret_cast<int*>(reinterpret_cast<double*>(smem) + kWarpsPerBlock * cap) + warp * cap;
  const std::int64_t row = static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + warp;
  if (row >= n) return;
  const float* a = x + row * ldx;
  double na2 = 0.0;
  if (cosine) {
    for (std::int64_t t = lane; t < d; t += kWarp) na2 += static_cast<double>(a[t]) * a[t];
    for (int off = kWarp / 2; off > 0; off /= 2) na2 += __shfl_xor_sync(kFull, na2, off);
  }
  for (int c = 0; c < cap; ++c) {
    const int j = cand[row * cap + c];
    double v = __longlong_as_double(0x7ff0000000000000LL);  // +inf: empty slot
    if (j != kNoIndex) {
      const float* b = x + static_cast<std::int64_t>(j) * ldx;
      double s = 0.0;
      double nb2 = 0.0;
      for (std::int64_t t = lane; t < d; t += kWarp) {
        if (cosine) {
          s += static_cast<double>(a[t]) * b[t];
          nb2 += static_cast<double>(b[t]) * b[t];
        } else {
          const double e = static_cast<double>(a[t]) - b[t];
          s += e * e;
        }
      }
      for (int off = kWarp / 2; off > 0; off /= 2) {
        s += __shfl_xor_sync(kFull, s, off);
        nb2 += __shfl_xor_sync(kFull, nb2, off);
      }
      if (cosine) {
        const double nn = na2 * nb2;
        v = nn > 0.0 ? fmin(fmax(1.0 - s / sqrt(nn), 0.0), 2.0) : 1.0;
      } else {
        v = sqrt(s);
      }
    }
    if (lane == 0) {
      dist[c] = v;
      ids[c] = j;
    }
  }
  __syncwarp();
  if (lane != 0) return;
  for (int c = 1; c < cap; ++c) {  // insertion sort by (distance, index)
    const double v = dist[c];
    const int id = ids[c];
    int p = c;
    while (p > 0 && (dist[p - 1] > v || (dist[p - 1] == v && ids[p - 1] > id))) {
      dist[p] = dist[p - 1];
      ids[p] = ids[p - 1];
      --p;
    }
    dist[p] = v;
    ids[p] = id;
  }
  for (int c = 0; c < k; ++c) {
    out_idx[row * k + c] = ids[c];
    out_dist[row * k + c] = static_cast<float>(dist[c]);
  }
}

unsigned warp_blocks(std::int64_t rows) {
  return static_cast<unsigned>((rows + kWarpsPerBlock - 1) / kWarpsPerBlock);
}

// The tiled selection with a candidate list of Cap entries per row.
template <int Cap>
void select_candidates(detail::cuda_context& ctx, const float* y, std::int64_t n, std::int64_t d,
                       std::int64_t ldy, const float* norms, bool cosine, int* best_i) {
  cudaStream_t s = ctx.stream;
  device_buffer<float> best_v(static_cast<std::size_t>(n * Cap), s);
  EM_CUDA_LAUNCH(fill_kernel<<<1024, 256, 0, s>>>(best_v.data(), best_i, n * Cap));
  const std::int64_t tile_rows = std::min(n, kTileRows);
  const std::int64_t tile_cols = std::min(n, kTileCols);
  device_buffer<float> tile(static_cast<std::size_t>(tile_rows * tile_cols), s, "the kNN distance tile");
  for (std::int64_t r0 = 0; r0 < n; r0 += tile_rows) {
    const std::int64_t rows = std::min(tile_rows, n - r0);
    // Column tiles in ascending order: each row's running list holds smaller
    // indices than the tile being merged.
    for (std::int64_t c0 = 0; c0 < n; c0 += tile_cols) {
      const std::int64_t cols = std::min(tile_cols, n - c0);
      sgemm_nt(ctx.cublas, rows, cols, d, cosine ? -1.0f : -2.0f, y + r0 * ldy, ldy, y + c0 * ldy,
               ldy, 0.0f, tile.data(), tile_cols);
      EM_CUDA_LAUNCH(select_kernel<Cap><<<warp_blocks(rows), kWarpsPerBlock * kWarp, 0, s>>>(
          tile.data(), rows, cols, tile_cols, cosine ? nullptr : norms + r0,
          cosine ? nullptr : norms + c0, r0, c0, cosine, best_v.data(), best_i));
    }
  }
}

knn_result device_knn(const resources& res, matrix_view x, std::int64_t k, knn_metric metric) {
  const call_scope call(res);
  auto& ctx = call.ctx();
  cudaStream_t s = ctx.stream;
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  EM_EXPECTS(n < INT_MAX, "knn: the CUDA backend handles up to ", INT_MAX - 1, " rows; x has ", n);
  const bool cosine = metric == knn_metric::cosine;
  const device_matrix dx = on_device(x, s, "x");

  const float* y = dx.data;
  std::int64_t ldy = dx.ld;
  device_buffer<float> normed;
  device_buffer<float> norms;
  if (cosine) {
    normed = device_buffer<float>(static_cast<std::size_t>(n * d), s);
    unit_rows(dx.data, dx.ld, n, d, normed.data(), nullptr, nullptr, s);
    y = normed.data();
    ldy = d;
  } else {
    norms = device_buffer<float>(static_cast<std::size_t>(n), s);
    row_sqnorms(dx.data, n, d, dx.ld, norms.data(), s);
  }

  const std::int64_t want = k + cpu::kKnnMargin;
  const int cap = want <= 8 ? 8 : want <= 16 ? 16 : want <= 32 ? 32 : want <= 64 ? 64 : 128;
  device_buffer<int> best_i(static_cast<std::size_t>(n * cap), s);
  switch (cap) {
    case 8: select_candidates<8>(ctx, y, n, d, ldy, norms.data(), cosine, best_i.data()); break;
    case 16: select_candidates<16>(ctx, y, n, d, ldy, norms.data(), cosine, best_i.data()); break;
    case 32: select_candidates<32>(ctx, y, n, d, ldy, norms.data(), cosine, best_i.data()); break;
    case 64: select_candidates<64>(ctx, y, n, d, ldy, norms.data(), cosine, best_i.data()); break;
    default: select_candidates<128>(ctx, y, n, d, ldy, norms.data(), cosine, best_i.data()); break;
  }

  device_buffer<std::int64_t> out_idx(static_cast<std::size_t>(n * k), s);
  device_buffer<float> out_dist(static_cast<std::size_t>(n * k), s);
  const std::size_t smem = static_cast<std::size_t>(kWarpsPerBlock) * cap * (sizeof(double) + sizeof(int));
  EM_CUDA_LAUNCH(refine_kernel<<<warp_blocks(n), kWarpsPerBlock * kWarp, smem, s>>>(
      dx.data, n, d, dx.ld, best_i.data(), cap, static_cast<int>(k), cosine, out_idx.data(),
      out_dist.data()));

  return {n, k, out_idx.to_host(), out_dist.to_host()};
}

// Cosine rows are normalised by the search itself; euclidean rows are
// searched in the frame of core/row_prep.hpp, the distances scaled back.
class knn_search final : public detail::knn_ops {
 public:
  // The per-row candidate buffer holds 128: k plus the refinement margin.
  std::int64_t max_k() const noexcept override { return 128 - cpu::kKnnMargin; }

  knn_result search(const resources& res, matrix_view x, std::int64_t k,
                    knn_metric metric) const override {
    if (metric == knn_metric::cosine) return device_knn(res, x, k, metric);
    const detail::prepared_rows px = row_prep_operations().prepare(
        res, x, detail::row_geometry::euclidean, detail::zero_row_policy::keep, "x");
    knn_result r = device_knn(res, px.view, k, metric);
    for (float& v : r.distances)
      v = static_cast<float>(std::ldexp(static_cast<double>(v), px.frame.exponent));
    return r;
  }
};

}  // namespace

const detail::knn_ops& knn_operations() {
  static const knn_search ops;
  return ops;
}

}  // namespace embed_metrics::gpu
