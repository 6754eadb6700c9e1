#pragma once
// Kernels of the CUDA k-means backend (defined in cuda/kmeans_kernels.cu),
// behind host launch functions. All work is ordered on @p stream; sums of
// floating-point values run in a fixed order, so results do not depend on
// timing or on how many blocks run at once.

#include <cuda_runtime.h>

#include <cstdint>

namespace embed_metrics::gpu::km {

/// Rows of each block whose sums are formed in row order (as the CPU backend).
constexpr std::int64_t kBlockRows = 128;

/// out[c] = x[idx[c]] (rows of d floats), out_norms[c] = xn[idx[c]] when out_norms != nullptr.
void gather_rows(const float* x, std::int64_t ldx, std::int64_t d, const std::int64_t* idx,
                 std::int64_t count, const float* xn, float* out, float* out_norms,
                 cudaStream_t stream);

/// g (n x m) holds -2 x.c on entry; on exit min(closest[(j / trials) * n + i],
/// D^2(i, j)), D^2 clamped at 0 and exactly 0 where i == idx[j]. With
/// closest == nullptr, just D^2.
void candidate_min(float* g, std::int64_t n, std::int64_t m, const float* xn, const float* cn,
                   const std::int64_t* idx, const float* closest, int trials, cudaStream_t stream);

/// part[b * m + c] = sum over rows i of block b of v[i * row_step + c * col_step], in row order, in double.
void block_sums(const float* v, std::int64_t n, std::int64_t m, std::int64_t row_step,
                std::int64_t col_step, double* part, cudaStream_t stream);

/// k-means++ draws for step @p step: for run r and trial t, cand[r * trials + t]
/// = the first row whose prefix sum of closest[r] reaches u * potential
/// (clipped to the last row), from the block sums run_part[r * blocks + b];
/// u is the Philox uniform (t, step, kStreamTrials) of seeds[r].
void sample_candidates(const float* closest, const double* run_part, std::int64_t n,
                       std::int64_t blocks, const std::uint64_t* seeds, int runs, int trials,
                       std::uint32_t step, std::int64_t* cand, cudaStream_t stream);

/// For each run: the candidate with the lowest potential (the sum of its
/// block sums part[b * m + r * trials + t], a fixed-shape tree; the first on
/// ties) goes to best[r]; its row of x to centers[(r * k + step) * d], its
/// block sums to run_part[r * blocks], its D^2 column of dist (n x m) to
/// closest[r * n].
void choose_candidates(const float* x, std::int64_t ldx, std::int64_t d, const float* dist,
                       std::int64_t n, const double* part, std::int64_t blocks, int runs,
                       int trials, const std::int64_t* cand, std::int64_t k, std::int64_t step,
                       float* centers, double* run_part, float* closest, int* best,
                       cudaStream_t stream);

/// For each row i of a tile (rows x m, ld m, -2 x.c) and each of @p runs
/// segments of k columns: outs[a][row0 + i] = argmin over the segment of
/// tile + cn (the first on ties). @p outs is a device array of runs pointers.
void argmin_segments(const float* tile, std::int64_t rows, std::int64_t m, const float* cn,
                     std::int64_t k, int runs, std::int32_t* const* outs, std::int64_t row0,
                     cudaStream_t stream);

/// counts[c] = rows with label c (integer atomics: exact).
void count_labels(const std::int32_t* labels, std::int64_t n, std::int64_t k, int* counts,
                  cudaStream_t stream);

/// iota[i] = i.
void iota(std::int32_t* out, std::int64_t n, cudaStream_t stream);

/// sums[c * d + j] = sum of x[order[m] * ldx + j] for m in [start[c], start[c + 1]), in order, in double.
void cluster_sums(const float* x, std::int64_t ldx, std::int64_t d, const std::int32_t* order,
                  const int* start, std::int64_t k, double* sums, cudaStream_t stream);

/// dist[i] = ||x_i - centers[labels[i]]||^2 in double.
void row_center_sqdist(const float* x, std::int64_t ldx, std::int64_t d,
                       const std::int32_t* labels, const float* centers, std::int64_t n,
                       double* dist, cudaStream_t stream);

/// Moves rows to empty clusters, one after the other: sums[from[e]] -= x[row[e]],
/// sums[to[e]] = x[row[e]].
void relocate(const float* x, std::int64_t ldx, std::int64_t d, const std::int64_t* row,
              const std::int64_t* from, const std::int64_t* to, std::int64_t count, double* sums,
              cudaStream_t stream);

/// centers[c] = sums[c] / counts[c] (sums[c] where the count is 0), or the
/// unit vector of sums[c] when spherical; shift[c] = ||new - old||^2 in double.
void finish_centers(const double* sums, const int* counts, std::int64_t k, std::int64_t d,
                    bool spherical, const float* old_centers, float* centers, double* shift,
                    cudaStream_t stream);

/// *changed += number of i with a[i] != b[i].
void count_changed(const std::int32_t* a, const std::int32_t* b, std::int64_t n,
                   unsigned long long* changed, cudaStream_t stream);

/// part[b] = sum over rows i of block b of ||x_i - centers[labels[i]]||^2, in row order, in double.
void inertia_blocks(const float* x, std::int64_t ldx, std::int64_t d, const std::int32_t* labels,
                    const float* centers, std::int64_t n, double* part, cudaStream_t stream);

/// part[b * d + j] = sum over rows of block b (1024 rows) of x (pass 0) or of
/// (x - mean[j])^2 (pass 1), in row order, in double.
void column_block_sums(const float* x, std::int64_t ldx, std::int64_t n, std::int64_t d,
                       const double* mean, double* part, cudaStream_t stream);

/// Rows per block of column_block_sums.
constexpr std::int64_t kColumnBlockRows = 1024;

}  // namespace embed_metrics::gpu::km
