// Kernels of the CUDA k-means backend. Every floating-point sum runs in a
// fixed order (a thread walking rows in order, or a fixed-shape tree in
// shared memory), so the same inputs give the same bits on every run.

#include <algorithm>

#include "core/philox.hpp"
#include "cuda/core/check.cuh"
#include "cuda/kmeans_kernels.cuh"
#include "cpu/kmeans_common.hpp"

namespace embed_metrics::gpu::km {
namespace {

constexpr int kThreads = 256;
constexpr int kWarp = 32;

unsigned grid_for(std::int64_t work, int threads = kThreads) {
  const std::int64_t blocks = (work + threads - 1) / threads;
  return static_cast<unsigned>(std::min<std::int64_t>(std::max<std::int64_t>(blocks, 1), 1 << 20));
}

/// Grid-stride loop over [0, count).
#define EM_GRID_LOOP(i, count)                                                              \
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; \
       i < (count); i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)

/// Sum of v over the block's threads, fixed tree (blockDim.x == kThreads).
__device__ double block_sum(double v, double* shared) {
  shared[threadIdx.x] = v;
  __syncthreads();
  for (int s = kThreads / 2; s > 0; s /= 2) {
    if (static_cast<int>(threadIdx.x) < s) shared[threadIdx.x] += shared[threadIdx.x + s];
    __syncthreads();
  }
  const double out = shared[0];
  __syncthreads();
  return out;
}

__global__ void gather_rows_kernel(const float* __restrict__ x, std::int64_t ldx, std::int64_t d,
                                   const std::int64_t* __restrict__ idx, std::int64_t count,
                                   const float* __restrict__ xn, float* __restrict__ out,
                                   float* __restrict__ out_norms) {
  EM_GRID_LOOP(e, count * d) {
    const std::int64_t c = e / d;
    const std::int64_t j = e % d;
    const std::int64_t row = idx[c];
    out[e] = x[row * ldx + j];
    if (j == 0 && out_norms != nullptr) out_norms[c] = xn[row];
  }
}

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

__global__ void block_sums_kernel(const float* __restrict__ v, std::int64_t n, std::int64_t m,
                                  std::int64_t row_step, std::int64_t col_step,
                                  double* __restrict__ part) {
  const std::int64_t blocks = (n + kBlockRows - 1) / kBlockRows;
  EM_GRID_LOOP(e, blocks * m) {
    const std::int64_t b = e / m;
    const std::int64_t c = e % m;
    const std::int64_t r1 = min(n, (b + 1) * kBlockRows);
    double s = 0.0;
    for (std::int64_t i = b * kBlockRows; i < r1; ++i) s += static_cast<double>(v[i * row_step + c * col_step]);
    part[e] = s;
  }
}

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

/// One warp per (row, run segment).
__global__ void argmin_kernel(const float* __restrict__ tile, std::int64_t rows, std::int64_t m,
                              const float* __restrict__ cn, std::int64_t k, int runs,
                              std::int32_t* const* __restrict__ outs, std::int64_t row0) {
  const std::int64_t warp = (static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / kWarp;
  const int lane = static_cast<int>(threadIdx.x % kWarp);
  if (warp >= rows * runs) return;
  const std::int64_t i = warp / runs;
  const int a = static_cast<int>(warp % runs);
  const float* t = tile + i * m + static_cast<std::int64_t>(a) * k;
  const float* c = cn + static_cast<std::int64_t>(a) * k;
  float best_v = INFINITY;
  std::int64_t best = k;  // larger than any index
  for (std::int64_t j = lane; j < k; j += kWarp) {
    const float v = t[j] + c[j];
    if (v < best_v) {  // j increases: keeps the first minimum of the lane
      best_v = v;
      best = j;
    }
  }
  for (int off = kWarp / 2; off > 0; off /= 2) {
    const float ov = __shfl_down_sync(0xffffffffu, best_v, off);
    const std::int64_t oi = __shfl_down_sync(0xffffffffu, best, off);
    if (ov < best_v || (ov == best_v && oi < best)) {
      best_v = ov;
      best = oi;
    }
  }
  if (lane == 0) {
    if (best >= k) best = 0;  // unreachable for finite inputs
    outs[a][row0 + i] = static_cast<std::int32_t>(best);
  }
}

__global__ void count_kernel(const std::int32_t* __restrict__ labels, std::int64_t n,
                             int* __restrict__ counts) {
  EM_GRID_LOOP(i, n) atomicAdd(counts + labels[i], 1);
}

__global__ void iota_kernel(std::int32_t* out, std::int64_t n) {
  EM_GRID_LOOP(i, n) out[i] = static_cast<std::int32_t>(i);
}

__global__ void cluster_sums_kernel(const float* __restrict__ x, std::int64_t ldx, std::int64_t d,
                                    const std::int32_t* __restrict__ order,
                                    const int* __restrict__ start, double* __restrict__ sums) {
  const std::int64_t c = blockIdx.y;
  const std::int64_t j = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (j >= d) return;
  double s = 0.0;
  for (int e = start[c]; e < start[c + 1]; ++e) s += static_cast<double>(x[static_cast<std::int64_t>(order[e]) * ldx + j]);
  sums[c * d + j] = s;
}

__global__ void row_center_sqdist_kernel(const float* __restrict__ x, std::int64_t ldx,
                                         std::int64_t d, const std::int32_t* __restrict__ labels,
                                         const float* __restrict__ centers, std::int64_t n,
                                         double* __restrict__ dist) {
  EM_GRID_LOOP(i, n) {
    const float* r = x + i * ldx;
    const float* c = centers + static_cast<std::int64_t>(labels[i]) * d;
    double s = 0.0;
    for (std::int64_t j = 0; j < d; ++j) {
      const double t = static_cast<double>(r[j]) - c[j];
      s += t * t;
    }
    dist[i] = s;
  }
}

__global__ void relocate_kernel(const float* __restrict__ x, std::int64_t ldx, std::int64_t d,
                                const std::int64_t* __restrict__ row,
                                const std::int64_t* __restrict__ from,
                                const std::int64_t* __restrict__ to, std::int64_t count,
                                double* __restrict__ sums) {
  // One block; the moves are applied in order (a later move may take from a
  // cluster an earlier one filled).
  for (std::int64_t e = 0; e < count; ++e) {
    for (std::int64_t j = threadIdx.x; j < d; j += blockDim.x) {
      const double v = x[row[e] * ldx + j];
      sums[from[e] * d + j] -= v;
      sums[to[e] * d + j] = v;
    }
    __syncthreads();
  }
}

__global__ void finish_centers_kernel(const double* __restrict__ sums, const int* __restrict__ counts,
                                      std::int64_t d, bool spherical,
                                      const float* __restrict__ old_centers,
                                      float* __restrict__ centers, double* __restrict__ shift) {
  __shared__ double shared[kThreads];
  const std::int64_t c = blockIdx.x;
  const double* s = sums + c * d;
  double scale = counts[c] > 0 ? 1.0 / counts[c] : 1.0;
  if (spherical) {
    double nn = 0.0;
    for (std::int64_t j = threadIdx.x; j < d; j += blockDim.x) nn += s[j] * s[j];
    nn = block_sum(nn, shared);
    scale = nn > 0.0 ? 1.0 / sqrt(nn) : 1.0;
  }
  double sh = 0.0;
  for (std::int64_t j = threadIdx.x; j < d; j += blockDim.x) {
    const float v = static_cast<float>(s[j] * scale);
    const double t = static_cast<double>(v) - old_centers[c * d + j];
    sh += t * t;
    centers[c * d + j] = v;
  }
  sh = block_sum(sh, shared);
  if (threadIdx.x == 0) shift[c] = sh;
}

__global__ void count_changed_kernel(const std::int32_t* __restrict__ a,
                                     const std::int32_t* __restrict__ b, std::int64_t n,
                                     unsigned long long* changed) {
  unsigned long long local = 0;
  EM_GRID_LOOP(i, n) local += a[i] != b[i] ? 1ull : 0ull;
  if (local) atomicAdd(changed, local);
}

__global__ void inertia_blocks_kernel(const float* __restrict__ x, std::int64_t ldx, std::int64_t d,
                                      const std::int32_t* __restrict__ labels,
                                      const float* __restrict__ centers, std::int64_t n,
                                      double* __restrict__ part) {
  // One thread block per row block; thread t sums columns t, t + 256, ... of
  // each row in order; the tree then adds the threads: a fixed order.
  __shared__ double shared[kThreads];
  const std::int64_t b = blockIdx.x;
  double s = 0.0;
  for (std::int64_t i = b * kBlockRows; i < min(n, (b + 1) * kBlockRows); ++i) {
    const float* r = x + i * ldx;
    const float* c = centers + static_cast<std::int64_t>(labels[i]) * d;
    for (std::int64_t j = threadIdx.x; j < d; j += blockDim.x) {
      const double t = static_cast<double>(r[j]) - c[j];
      s += t * t;
    }
  }
  s = block_sum(s, shared);
  if (threadIdx.x == 0) part[b] = s;
}

__global__ void column_block_sums_kernel(const float* __restrict__ x, std::int64_t ldx,
                                         std::int64_t n, std::int64_t d,
                                         const double* __restrict__ mean,
                                         double* __restrict__ part) {
  const std::int64_t j = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const std::int64_t b = blockIdx.y;
  if (j >= d) return;
  double s = 0.0;
  for (std::int64_t i = b * kColumnBlockRows; i < min(n, (b + 1) * kColumnBlockRows); ++i) {
    const double v = x[i * ldx + j];
    if (mean == nullptr) {
      s += v;
    } else {
      const double t = v - mean[j];
      s += t * t;
    }
  }
  part[b * d + j] = s;
}

}  // namespace

void gather_rows(const float* x, std::int64_t ldx, std::int64_t d, const std::int64_t* idx,
                 std::int64_t count, const float* xn, float* out, float* out_norms,
                 cudaStream_t stream) {
  if (count * d == 0) return;
  EM_CUDA_LAUNCH(gather_rows_kernel<<<grid_for(count * d), kThreads, 0, stream>>>(
      x, ldx, d, idx, count, xn, out, out_norms));
}

void candidate_min(float* g, std::int64_t n, std::int64_t m, const float* xn, const float* cn,
                   const std::int64_t* idx, const float* closest, int trials, cudaStream_t stream) {
  if (n * m == 0) return;
  EM_CUDA_LAUNCH(candidate_min_kernel<<<grid_for(n * m), kThreads, 0, stream>>>(
      g, n, m, xn, cn, idx, closest, trials));
}

void block_sums(const float* v, std::int64_t n, std::int64_t m, std::int64_t row_step,
                std::int64_t col_step, double* part, cudaStream_t stream) {
  const std::int64_t blocks = (n + kBlockRows - 1) / kBlockRows;
  if (blocks * m == 0) return;
  EM_CUDA_LAUNCH(block_sums_kernel<<<grid_for(blocks * m), kThreads, 0, stream>>>(v, n, m, row_step,
                                                                                  col_step, part));
}

void sample_candidates(const float* closest, const double* run_part, std::int64_t n,
                       std::int64_t blocks, const std::uint64_t* seeds, int runs, int trials,
                       std::uint32_t step, std::int64_t* cand, cudaStream_t stream) {
  static_assert(kBlockRows == 4 * kWarp, "sample_kernel scans a block of rows with one warp");
  EM_CUDA_LAUNCH(sample_kernel<<<static_cast<unsigned>(runs * trials), kThreads, 0, stream>>>(
      closest, run_part, n, blocks, seeds, trials, step, cand));
}

void choose_candidates(const float* x, std::int64_t ldx, std::int64_t d, const float* dist,
                       std::int64_t n, const double* part, std::int64_t blocks, int runs,
                       int trials, const std::int64_t* cand, std::int64_t k, std::int64_t step,
                       float* centers, double* run_part, float* closest, int* best,
                       cudaStream_t stream) {
  EM_CUDA_LAUNCH(choose_kernel<<<static_cast<unsigned>(runs), kThreads, 0, stream>>>(
      x, ldx, d, part, blocks, trials, cand, k, step, centers, best));
  EM_CUDA_LAUNCH(
      adopt_kernel<<<grid_for(static_cast<std::int64_t>(runs) * (n + blocks)), kThreads, 0,
                     stream>>>(dist, n, part, blocks, runs, trials, best, run_part, closest));
}

void argmin_segments(const float* tile, std::int64_t rows, std::int64_t m, const float* cn,
                     std::int64_t k, int runs, std::int32_t* const* outs, std::int64_t row0,
                     cudaStream_t stream) {
  const std::int64_t threads = rows * runs * kWarp;
  if (threads == 0) return;
  EM_CUDA_LAUNCH(argmin_kernel<<<static_cast<unsigned>((threads + kThreads - 1) / kThreads),
                                 kThreads, 0, stream>>>(tile, rows, m, cn, k, runs, outs, row0));
}

void count_labels(const std::int32_t* labels, std::int64_t n, std::int64_t k, int* counts,
                  cudaStream_t stream) {
  EM_CUDA_TRY(cudaMemsetAsync(counts, 0, sizeof(int) * static_cast<std::size_t>(k), stream));
  EM_CUDA_LAUNCH(count_kernel<<<grid_for(n), kThreads, 0, stream>>>(labels, n, counts));
}

void iota(std::int32_t* out, std::int64_t n, cudaStream_t stream) {
  EM_CUDA_LAUNCH(iota_kernel<<<grid_for(n), kThreads, 0, stream>>>(out, n));
}

void cluster_sums(const float* x, std::int64_t ldx, std::int64_t d, const std::int32_t* order,
                  const int* start, std::int64_t k, double* sums, cudaStream_t stream) {
  constexpr int kCols = 128;
  // gridDim.y is limited to 65535 clusters per launch.
  for (std::int64_t c0 = 0; c0 < k; c0 += 65535) {
    const std::int64_t kc = std::min<std::int64_t>(65535, k - c0);
    const dim3 grid(static_cast<unsigned>((d + kCols - 1) / kCols), static_cast<unsigned>(kc));
    EM_CUDA_LAUNCH(cluster_sums_kernel<<<grid, kCols, 0, stream>>>(x, ldx, d, order, start + c0,
                                                                   sums + c0 * d));
  }
}

void row_center_sqdist(const float* x, std::int64_t ldx, std::int64_t d,
                       const std::int32_t* labels, const float* centers, std::int64_t n,
                       double* dist, cudaStream_t stream) {
  EM_CUDA_LAUNCH(row_center_sqdist_kernel<<<grid_for(n), kThreads, 0, stream>>>(x, ldx, d, labels,
                                                                                centers, n, dist));
}

void relocate(const float* x, std::int64_t ldx, std::int64_t d, const std::int64_t* row,
              const std::int64_t* from, const std::int64_t* to, std::int64_t count, double* sums,
              cudaStream_t stream) {
  if (count == 0) return;
  EM_CUDA_LAUNCH(
      relocate_kernel<<<1, kThreads, 0, stream>>>(x, ldx, d, row, from, to, count, sums));
}

void finish_centers(const double* sums, const int* counts, std::int64_t k, std::int64_t d,
                    bool spherical, const float* old_centers, float* centers, double* shift,
                    cudaStream_t stream) {
  EM_CUDA_LAUNCH(finish_centers_kernel<<<static_cast<unsigned>(k), kThreads, 0, stream>>>(
      sums, counts, d, spherical, old_centers, centers, shift));
}

void count_changed(const std::int32_t* a, const std::int32_t* b, std::int64_t n,
                   unsigned long long* changed, cudaStream_t stream) {
  EM_CUDA_LAUNCH(count_changed_kernel<<<grid_for(n), kThreads, 0, stream>>>(a, b, n, changed));
}

void inertia_blocks(const float* x, std::int64_t ldx, std::int64_t d, const std::int32_t* labels,
                    const float* centers, std::int64_t n, double* part, cudaStream_t stream) {
  const std::int64_t blocks = (n + kBlockRows - 1) / kBlockRows;
  EM_CUDA_LAUNCH(inertia_blocks_kernel<<<static_cast<unsigned>(blocks), kThreads, 0, stream>>>(
      x, ldx, d, labels, centers, n, part));
}

void column_block_sums(const float* x, std::int64_t ldx, std::int64_t n, std::int64_t d,
                       const double* mean, double* part, cudaStream_t stream) {
  const std::int64_t blocks = (n + kColumnBlockRows - 1) / kColumnBlockRows;
  for (std::int64_t b0 = 0; b0 < blocks; b0 += 65535) {
    const std::int64_t nb = std::min<std::int64_t>(65535, blocks - b0);
    const dim3 grid(static_cast<unsigned>((d + kThreads - 1) / kThreads), static_cast<unsigned>(nb));
    EM_CUDA_LAUNCH(column_block_sums_kernel<<<grid, kThreads, 0, stream>>>(
        x + b0 * kColumnBlockRows * ldx, ldx, n - b0 * kColumnBlockRows, d, mean, part + b0 * d));
  }
}

}  // namespace embed_metrics::gpu::km
