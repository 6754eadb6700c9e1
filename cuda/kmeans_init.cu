// The CUDA backend's k-means++ primitives: a sampling kernel (Philox
// uniforms against block prefix sums of D^2), a gather, one small cuBLAS
// GEMM of all rows against every run's candidates, a min / clamp epilogue,
// fixed-order block sums of the candidate potentials and a choose kernel;
// all on the stream, with no host round trip.

#include "backend/cuda_kmeans.hpp"
#include "backend/device_checks.hpp"
#include "core/check.hpp"
#include "core/philox.hpp"
#include "cpu/kmeans_common.hpp"
#include "cuda/core/buffer.cuh"
#include "cuda/core/check.cuh"
#include "cuda/core/context.cuh"
#include "cuda/core/distance_tile.cuh"
#include "cuda/core/staging.cuh"
#include "cuda/kmeans_kernels.cuh"
#include "cuda/kmeans_ops.cuh"
#include "metrics/kmeans_driver.hpp"

namespace embed_metrics::gpu {
namespace km {
namespace {

/// g (n x m) holds -2 x.c on entry; on exit min(closest[(j / trials) * n + i],
/// D^2(i, j)), D^2 clamped at 0 and exactly 0 where i == idx[j]. With
/// closest == nullptr, just D^2.
__global__ void candidate_min_kernel(float* __restrict__ g, std::int64_t n, std::int64_t m,
                                     const float* __restrict__ xn, const float* __restrict__ cn,
                                     const std::int64_t* __restrict__ idx,
                                     const float* __restrict__ closest, int trials) {
  EM_GRID_LOOP(e, n * m) {
    const std::int64_t i = e / m;
    const std::int64_t j = e % m;
    float v = idx[j] == i ? 0.0f : fmaxf(g[e] + xn[i] + cn[j], 0.0f);
    if (closest != nullptr) v = fminf(v, closest[(j / trials) * n + i]);
    g[e] = v;
  }
}

/// part[b * m + c] = sum over rows i of block b of v[i * m + c], in row order, in double.
__global__ void block_sums_kernel(const float* __restrict__ v, std::int64_t n, std::int64_t m,
                                  double* __restrict__ part) {
  const std::int64_t blocks = row_blocks(n);
  EM_GRID_LOOP(e, blocks * m) {
    const std::int64_t b = e / m;
    const std::int64_t c = e % m;
    const std::int64_t r1 = min(n, (b + 1) * kBlockRows);
    double s = 0.0;
    for (std::int64_t i = b * kBlockRows; i < r1; ++i) s += static_cast<double>(v[i * m + c]);
    part[e] = s;
  }
}

/// The k-means++ draws of step @p step: for run r and trial t, cand[r * trials + t]
/// = the first row whose prefix sum of closest[r] reaches u * potential
/// (clipped to the last row), from the block sums run_part[r * blocks + b];
/// u is the Philox uniform (t, step, kStreamTrials) of seeds[r].
/// One thread block (kThreads threads) per (run, trial). Thread t sums a
/// contiguous chunk of the run's block sums in order; thread 0 scans the
/// chunk sums (the potential is their total); the thread whose chunk holds
/// the target finds the block; one warp then finds the row in the block with
/// a fixed-pattern scan. Every step is in a fixed order.
__global__ void sample_kernel(const float* __restrict__ closest, const double* __restrict__ run_part,
                              std::int64_t n, std::int64_t blocks,
                              const std::uint64_t* __restrict__ seeds, int trials,
                              std::uint32_t step, std::int64_t* __restrict__ cand) {
  __shared__ double chunk_prefix[kThreads + 1];
  __shared__ double target_s;
  __shared__ std::int64_t block_s;
  __shared__ double block_prefix_s;
  const int e = static_cast<int>(blockIdx.x);
  const int r = e / trials;
  const int t = e % trials;
  const double* bs = run_part + static_cast<std::int64_t>(r) * blocks;
  const float* v = closest + static_cast<std::int64_t>(r) * n;
  const std::int64_t per = (blocks + kThreads - 1) / kThreads;
  const std::int64_t b0 = min(blocks, threadIdx.x * per);
  const std::int64_t b1 = min(blocks, b0 + per);
  double mine = 0.0;
  for (std::int64_t b = b0; b < b1; ++b) mine += bs[b];
  chunk_prefix[threadIdx.x + 1] = mine;
  __syncthreads();
  if (threadIdx.x == 0) {
    chunk_prefix[0] = 0.0;
    for (int i = 1; i <= kThreads; ++i) chunk_prefix[i] += chunk_prefix[i - 1];
    target_s = detail::philox_uniform(seeds[r], static_cast<std::uint32_t>(t), step,
                                      detail::kStreamTrials) * chunk_prefix[kThreads];
    block_s = blocks - 1;  // clip: rounding may put the target past the total
    block_prefix_s = chunk_prefix[kThreads] - bs[blocks - 1];
  }
  __syncthreads();
  const double target = target_s;
  // The first chunk whose inclusive prefix reaches the target.
  const bool reaches = b0 < b1 && chunk_prefix[threadIdx.x + 1] >= target &&
                       (threadIdx.x == 0 || chunk_prefix[threadIdx.x] < target);
  if (reaches) {
    double prefix = chunk_prefix[threadIdx.x];
    for (std::int64_t b = b0; b < b1; ++b) {
      if (prefix + bs[b] >= target || b == b1 - 1) {
        block_s = b;
        block_prefix_s = prefix;
        break;
      }
      prefix += bs[b];
    }
  }
  __syncthreads();
  if (threadIdx.x >= kWarp) return;
  // Rows of the block: lane l holds rows 4l .. 4l + 3 (kBlockRows == 128).
  const int lane = static_cast<int>(threadIdx.x);
  const std::int64_t r0 = block_s * kBlockRows;
  double vals[4];
  double own = 0.0;
  for (int q = 0; q < 4; ++q) {
    const std::int64_t i = r0 + 4 * lane + q;
    vals[q] = i < n ? static_cast<double>(v[i]) : 0.0;
    own += vals[q];
  }
  double incl = own;  // inclusive scan of the lane sums, fixed pattern
  for (int off = 1; off < kWarp; off *= 2) {
    const double o = __shfl_up_sync(0xffffffffu, incl, off);
    if (lane >= off) incl += o;
  }
  double s = block_prefix_s + (incl - own);
  std::int64_t found = -1;
  for (int q = 0; q < 4; ++q) {
    const std::int64_t i = r0 + 4 * lane + q;
    s += vals[q];
    if (i < n && s >= target) {
      found = i;
      break;
    }
  }
  const unsigned hit = __ballot_sync(0xffffffffu, found >= 0);
  if (lane == 0) {
    const std::int64_t last = min(n, r0 + kBlockRows) - 1;
    cand[e] = last;  // clip
    if (hit != 0u) cand[e] = -1;  // filled below by the first lane that hit
  }
  __syncwarp();
  if (hit != 0u && lane == __ffs(static_cast<int>(hit)) - 1) cand[e] = found;
}

/// One block per run: the potential of each candidate (fixed-shape tree over
/// its block sums), the first lowest kept; its row becomes centre @p step.
__global__ void choose_kernel(const float* __restrict__ x, std::int64_t ldx, std::int64_t d,
                              const double* __restrict__ part, std::int64_t blocks, int trials,
                              const std::int64_t* __restrict__ cand, std::int64_t k,
                              std::int64_t step, float* __restrict__ centers,
                              int* __restrict__ best_out) {
  __shared__ double shared[kThreads];
  __shared__ int best_s;
  const int r = static_cast<int>(blockIdx.x);
  const std::int64_t m = static_cast<std::int64_t>(gridDim.x) * trials;
  int best = 0;
  double best_pot = 0.0;
  for (int t = 0; t < trials; ++t) {
    double mine = 0.0;
    for (std::int64_t b = threadIdx.x; b < blocks; b += blockDim.x) mine += part[b * m + r * trials + t];
    const double pot = block_sum(mine, shared);
    if (t == 0 || pot < best_pot) {
      best = t;
      best_pot = pot;
    }
  }
  if (threadIdx.x == 0) {
    best_s = best;
    best_out[r] = best;
  }
  __syncthreads();
  const std::int64_t row = cand[static_cast<std::int64_t>(r) * trials + best_s];
  for (std::int64_t c = threadIdx.x; c < d; c += blockDim.x)
    centers[(static_cast<std::int64_t>(r) * k + step) * d + c] = x[row * ldx + c];
}

/// closest[r * n + i] = dist[i * m + r * trials + best[r]] and the block sums
/// of that column into run_part[r * blocks + b].
__global__ void adopt_kernel(const float* __restrict__ dist, std::int64_t n, const double* __restrict__ part,
                             std::int64_t blocks, int runs, int trials, const int* __restrict__ best,
                             double* __restrict__ run_part, float* __restrict__ closest) {
  const std::int64_t m = static_cast<std::int64_t>(runs) * trials;
  EM_GRID_LOOP(e, static_cast<std::int64_t>(runs) * (n + blocks)) {
    const std::int64_t r = e / (n + blocks);
    const std::int64_t w = e % (n + blocks);
    const std::int64_t j = r * trials + best[r];
    if (w < n) {
      closest[r * n + w] = dist[w * m + j];
    } else {
      run_part[r * blocks + (w - n)] = part[(w - n) * m + j];
    }
  }
}

}  // namespace
}  // namespace km

using km::grid_for;
using km::kThreads;

void kmeans_device_ops::pp_candidates(const resources& res, rows x, const float* xn,
                                      const std::int64_t* cand, std::int64_t m,
                                      const float* closest, int trials, float* dist,
                                      double* part) const {
  auto& ctx = context(res);
  cudaStream_t s = ctx.stream;
  device_buffer<float> cand_rows(static_cast<std::size_t>(m * x.d), s);
  device_buffer<float> cand_norms(static_cast<std::size_t>(m), s);
  km::gather_rows(x.data, x.ld, x.d, cand, m, xn, cand_rows.data(), cand_norms.data(), s);
  sgemm_nt(ctx.cublas, x.n, m, x.d, -2.0f, x.data, x.ld, cand_rows.data(), x.d, 0.0f, dist, m);
  if (x.n * m == 0) return;
  EM_CUDA_LAUNCH(km::candidate_min_kernel<<<grid_for(x.n * m), kThreads, 0, s>>>(
      dist, x.n, m, xn, cand_norms.data(), cand, closest, trials));
  const std::int64_t blocks = km::row_blocks(x.n);
  EM_CUDA_LAUNCH(
      km::block_sums_kernel<<<grid_for(blocks * m), kThreads, 0, s>>>(dist, x.n, m, part));
}

void kmeans_device_ops::pp_sample(const resources& res, const float* closest,
                                  const double* run_part, std::int64_t n,
                                  const std::uint64_t* seeds, int runs, int trials,
                                  std::uint32_t step, std::int64_t* cand) const {
  const std::int64_t blocks = km::row_blocks(n);
  static_assert(km::kBlockRows == 4 * km::kWarp,
                "sample_kernel scans a block of rows with one warp");
  EM_CUDA_LAUNCH(km::sample_kernel<<<static_cast<unsigned>(runs * trials), kThreads, 0,
                                     context(res).stream>>>(closest, run_part, n, blocks, seeds,
                                                            trials, step, cand));
}

void kmeans_device_ops::pp_choose(const resources& res, rows x, const float* dist,
                                  const double* part, int runs, int trials,
                                  const std::int64_t* cand, std::int64_t k, std::int64_t step,
                                  float* centers, double* run_part, float* closest) const {
  cudaStream_t s = context(res).stream;
  const std::int64_t blocks = km::row_blocks(x.n);
  device_buffer<int> best(static_cast<std::size_t>(runs), s);
  EM_CUDA_LAUNCH(km::choose_kernel<<<static_cast<unsigned>(runs), kThreads, 0, s>>>(
      x.data, x.ld, x.d, part, blocks, trials, cand, k, step, centers, best.data()));
  const auto adopt_blocks = grid_for(static_cast<std::int64_t>(runs) * (x.n + blocks));
  EM_CUDA_LAUNCH(km::adopt_kernel<<<adopt_blocks, kThreads, 0, s>>>(
      dist, x.n, part, blocks, runs, trials, best.data(), run_part, closest));
}

void kmeans_plus_plus(const resources& res, matrix_view x, const kmeans_params& params,
                      const std::vector<std::uint64_t>& seeds, float* centers) {
  auto& ctx = context(res);
  check_int32_rows(x.rows, "x", "kmeans_plus_plus");
  EM_EXPECTS(x.space == memory_space::device, "kmeans_plus_plus on CUDA: x must be a device view");
  check_pointer(x.data, x.space, "x");
  check_pointer(centers, memory_space::device, "centers");
  device_buffer<float> xn(static_cast<std::size_t>(x.rows), ctx.stream);
  row_sqnorms(x.data, x.rows, x.cols, x.ld(), xn.data(), ctx.stream);
  kmeans_params p = params;
  if (p.init == kmeans_init::given) p.init = kmeans_init::kmeans_plus_plus;  // no centres are given here
  detail::kmeans_init_centers(res, kmeans_operations(), detail::kmeans_rows{x.data, x.rows, x.cols, x.ld()},
                              xn.data(), p, nullptr, seeds, centers);
}

}  // namespace embed_metrics::gpu
