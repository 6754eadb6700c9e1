// The CPU backend's Lloyd primitives. The assignment takes the distances of
// each tile of rows to the stacked centres of every run still iterating
// (direct dot products for a few centres, an sgemm for many), with the
// argmin taken tile by tile; the centroid sums are accumulated in
// double in an order fixed by the shape alone, so that the result is the
// same whatever the thread count.

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "core/parallel_errors.hpp"
#include "cpu/blas.hpp"
#include "cpu/center_dots.hpp"
#include "cpu/distance_tile.hpp"
#include "cpu/kmeans_common.hpp"
#include "cpu/kmeans_ops.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::cpu {
namespace {

using detail::kKmeansBlock;

/// Columns summed together by one task of the sorted centroid update.
constexpr std::int64_t kColumnChunk = 64;
/// The sums stream blocks of rows where n / kUpdateRows blocks would number
/// at least 4 and their partial sums would take at most
/// kUpdatePartialDoubles (64 MiB) per run.
constexpr std::int64_t kUpdateRows = 2048;
constexpr std::int64_t kUpdatePartialDoubles = std::int64_t{1} << 23;
/// Rows per block of the streamed sums (a whole number of tiles).
constexpr std::int64_t kStreamRows = 1024;

/// How the cluster sums of a shape are ordered, chosen by the shape alone
/// (never by the thread count or the number of runs): with room for several
/// k x d partial sums, stream fixed blocks of rows (each block's sums in row
/// order, then the blocks in block order); otherwise (blocks == 0) sort the
/// rows by label and sum each cluster in row order. Blocks are whole tiles
/// of the assignment (kKmeansBlock rows), so that one pass can assign a
/// block's rows and add them up while they are in cache.
struct sum_plan {
  std::int64_t blocks = 0;
  std::int64_t rows_per = 0;
};

sum_plan plan_sums(std::int64_t n, std::int64_t k, std::int64_t d) {
  const std::int64_t cap = kUpdatePartialDoubles / std::max<std::int64_t>(1, k * d);
  if (std::min((n + kUpdateRows - 1) / kUpdateRows, cap) < 4) return {};
  const std::int64_t want = std::min((n + kStreamRows - 1) / kStreamRows, cap);
  std::int64_t rows_per = (n + want - 1) / want;
  rows_per = (rows_per + kKmeansBlock - 1) / kKmeansBlock * kKmeansBlock;
  return {(n + rows_per - 1) / rows_per, rows_per};
}

/// sums[e] = the blocks' partial sums part[b * kd + e] added in block order.
void merge_blocks(const double* part, std::int64_t blocks, std::int64_t kd, double* sums, int threads) {
#pragma omp parallel for num_threads(detail::kmeans_team(threads, blocks * kd)) schedule(static)
  for (std::int64_t e = 0; e < kd; ++e) {
    double t = 0.0;
    for (std::int64_t b = 0; b < blocks; ++b) t += part[b * kd + e];
    sums[e] = t;
  }
}

/// acc (k x d) += the rows [i0, i1) of x, each to the row of its label, in row order.
void add_rows(matrix_view x, const std::int32_t* labels, std::int64_t i0, std::int64_t i1,
              double* acc) {
  add_rows_to_labels(i1 - i0, x.cols, x.row(i0), x.ld(), labels + i0, acc);
}

/// t (rows x m) = -2 x c^T for the rows [r0, r0 + rows) of one tile: directly
/// for a few centres, else one single-threaded sgemm (inside a
/// single_threaded_blas scope). Every pass computes its distances here, tile
/// by tile, so the fused pass and the plain assignment see the same values.
void tile_dots(matrix_view x, std::int64_t r0, std::int64_t rows, matrix_view centers, float* t) {
  const std::int64_t m = centers.rows;
  if (center_dots(rows, m, x.cols, x.row(r0), x.ld(), centers.data, centers.ld(), t)) return;
  sgemm_nt_tile(rows, m, x.cols, -2.0f, x.row(r0), x.ld(), centers.data, centers.ld(), 0.0f, t, m);
}

/// Sums (double, k x d) and counts of the rows of each cluster, in the
/// order of plan_sums.
std::vector<std::int64_t> cluster_sums(matrix_view x, const std::int32_t* labels, std::int64_t k,
                                       double* sums, int threads) {
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  std::vector<std::int64_t> counts(static_cast<std::size_t>(k), 0);
  for (std::int64_t i = 0; i < n; ++i) ++counts[static_cast<std::size_t>(labels[i])];
  // Both orders below write every entry of sums.
  const sum_plan plan = plan_sums(n, k, d);
  if (plan.blocks > 0) {
    std::vector<double> part(static_cast<std::size_t>(plan.blocks * k * d), 0.0);
#pragma omp parallel for num_threads(detail::kmeans_team(threads, n * d)) schedule(static)
    for (std::int64_t b = 0; b < plan.blocks; ++b)
      add_rows(x, labels, b * plan.rows_per, std::min(n, (b + 1) * plan.rows_per),
               part.data() + b * k * d);
    merge_blocks(part.data(), plan.blocks, k * d, sums, threads);
  } else {
    // Counting sort of the rows by label, stable (row order within a cluster).
    std::vector<std::int64_t> start(static_cast<std::size_t>(k) + 1, 0);
    std::partial_sum(counts.begin(), counts.end(), start.begin() + 1);
    std::vector<std::int64_t> order(static_cast<std::size_t>(n));
    {
      std::vector<std::int64_t> fill(start.begin(), start.end() - 1);
      for (std::int64_t i = 0; i < n; ++i) order[static_cast<std::size_t>(fill[static_cast<std::size_t>(labels[i])]++)] = i;
    }
    const std::int64_t chunks = (d + kColumnChunk - 1) / kColumnChunk;
#pragma omp parallel for num_threads(detail::kmeans_team(threads, n * d)) schedule(dynamic, 1)
    for (std::int64_t task = 0; task < k * chunks; ++task) {
      const std::int64_t c = task / chunks;
      const std::int64_t j0 = (task % chunks) * kColumnChunk;
      const std::int64_t j1 = std::min(d, j0 + kColumnChunk);
      double acc[kColumnChunk] = {};
      for (std::int64_t m = start[static_cast<std::size_t>(c)]; m < start[static_cast<std::size_t>(c) + 1]; ++m) {
        const float* r = x.row(order[static_cast<std::size_t>(m)]);
        for (std::int64_t j = j0; j < j1; ++j) acc[j - j0] += static_cast<double>(r[j]);
      }
      std::copy(acc, acc + (j1 - j0), sums + c * d + j0);
    }
  }
  return counts;
}

/// Nearest centre of each run for the rows [r0, r0 + rows) of one tile (-2 x c^T in @p t).
void argmin_tile(const float* t, std::int64_t rows, std::int64_t m, const float* cn,
                 std::int64_t k, int runs, std::int32_t* const* labels, std::int64_t r0) {
  for (std::int64_t i = 0; i < rows; ++i) {
    const float* ti = t + i * m;
    for (int r = 0; r < runs; ++r) {
      const std::int64_t c0 = static_cast<std::int64_t>(r) * k;
      std::int64_t best = 0;
      float best_v = ti[c0] + cn[c0];
      for (std::int64_t c = 1; c < k; ++c) {
        const float v = ti[c0 + c] + cn[c0 + c];
        if (v < best_v) {
          best_v = v;
          best = c;
        }
      }
      labels[r][r0 + i] = static_cast<std::int32_t>(best);
    }
  }
}

/// For each row i of @p x and each of @p runs runs (the k-row segments of
/// @p centers, squared norms @p cn), the nearest centre of that run (the
/// first on ties): labels[r][i], tile by tile (kKmeansBlock rows, tile_dots,
/// the argmin), so the n x (runs k) matrix is never held whole. The fused
/// Lloyd pass: one read of x also adds every row to its cluster's sums for
/// the runs with sums[r] set. Each task takes one block of @p plan, tile by
/// tile; the tile's rows, still in cache, are added to the block's partial
/// sums of each run in row order, and the blocks are merged in block order
/// after. With no run summed it is the assignment alone (@p plan: one block
/// a tile). @p team threads share the tiles.
std::vector<std::vector<std::int64_t>> fused_pass(matrix_view x, matrix_view centers,
                                                  const float* cn, std::int64_t k, int runs,
                                                  std::int32_t* const* labels,
                                                  double* const* sums, const sum_plan& plan,
                                                  int team, int threads) {
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  const std::int64_t m = centers.rows;
  const std::int64_t kd = k * d;
  std::vector<int> summed;
  for (int a = 0; a < runs; ++a)
    if (sums[a] != nullptr) summed.push_back(a);
  const auto s_runs = static_cast<std::int64_t>(summed.size());
  std::vector<double> part(static_cast<std::size_t>(s_runs * plan.blocks * kd), 0.0);
  std::vector<std::int64_t> block_counts(static_cast<std::size_t>(s_runs * plan.blocks * k), 0);
  {
    const single_threaded_blas guard;
    detail::region_errors errors;
#pragma omp parallel num_threads(team)
    {
      std::vector<float> tile;
      errors.run([&] { tile.resize(static_cast<std::size_t>(kKmeansBlock * m)); });
#pragma omp for schedule(dynamic, 1)
      for (std::int64_t b = 0; b < plan.blocks; ++b) {
        errors.run([&] {
          const std::int64_t b1 = std::min(n, (b + 1) * plan.rows_per);
          for (std::int64_t r0 = b * plan.rows_per; r0 < b1; r0 += kKmeansBlock) {
            const std::int64_t rows = std::min(kKmeansBlock, b1 - r0);
            tile_dots(x, r0, rows, centers, tile.data());
            argmin_tile(tile.data(), rows, m, cn, k, runs, labels, r0);
            for (std::int64_t s = 0; s < s_runs; ++s) {
              const std::int32_t* lab = labels[summed[static_cast<std::size_t>(s)]];
              add_rows(x, lab, r0, r0 + rows, part.data() + (s * plan.blocks + b) * kd);
              std::int64_t* cnt = block_counts.data() + (s * plan.blocks + b) * k;
              for (std::int64_t i = r0; i < r0 + rows; ++i) ++cnt[lab[i]];
            }
          }
        });
      }
    }
    errors.rethrow_first();
  }
  std::vector<std::vector<std::int64_t>> counts(static_cast<std::size_t>(runs));
  for (std::int64_t s = 0; s < s_runs; ++s) {
    const int a = summed[static_cast<std::size_t>(s)];
    merge_blocks(part.data() + s * plan.blocks * kd, plan.blocks, kd, sums[a], threads);
    auto& c = counts[static_cast<std::size_t>(a)];
    c.assign(static_cast<std::size_t>(k), 0);
    for (std::int64_t b = 0; b < plan.blocks; ++b)
      for (std::int64_t j = 0; j < k; ++j)
        c[static_cast<std::size_t>(j)] += block_counts[static_cast<std::size_t>((s * plan.blocks + b) * k + j)];
  }
  return counts;
}

matrix_view view_of(detail::kmeans_rows x) { return matrix_view(x.data, x.n, x.d, x.ld); }

/// acc += ||x_i - c_{l_i}||^2, in double, coordinate by coordinate.
void add_center_sqdist(detail::kmeans_rows x, std::int64_t i, const std::int32_t* labels,
                       const float* centers, double& acc) {
  const float* r = x.data + i * x.ld;
  const float* ctr = centers + static_cast<std::int64_t>(labels[i]) * x.d;
  for (std::int64_t j = 0; j < x.d; ++j) {
    const double t = static_cast<double>(r[j]) - ctr[j];
    acc += t * t;
  }
}

}  // namespace

std::vector<std::vector<std::int64_t>> kmeans_host_ops::assign(
    const resources& res, rows x, const float* centers, const float* cn, std::int64_t k, int runs,
    std::int32_t* const* labels, double* const* sums) const {
  const int threads = res.threads();
  const matrix_view c(centers, runs * k, x.d);
  const sum_plan plan = plan_sums(x.n, k, x.d);
  const auto summed = std::count_if(sums, sums + runs, [](const double* p) { return p != nullptr; });
  // Fused where the sums stream and the partial sums of every run fit the
  // same bound as one run's; otherwise the labels first, then each run's
  // sums in the same order.
  if (plan.blocks > 0 && summed > 0 && summed * plan.blocks * k * x.d <= 2 * kUpdatePartialDoubles)
    return fused_pass(view_of(x), c, cn, k, runs, labels, sums, plan,
                      detail::kmeans_team(threads, x.n * (c.rows + x.d)), threads);
  const std::vector<double*> no_sums(static_cast<std::size_t>(runs), nullptr);
  fused_pass(view_of(x), c, cn, k, runs, labels, no_sums.data(),
             {(x.n + kKmeansBlock - 1) / kKmeansBlock, kKmeansBlock},
             detail::kmeans_team(threads, x.n * c.rows * x.d), threads);
  std::vector<std::vector<std::int64_t>> counts(static_cast<std::size_t>(runs));
  for (int a = 0; a < runs; ++a)
    if (sums[a] != nullptr) counts[static_cast<std::size_t>(a)] = cluster_sums(view_of(x), labels[a], k, sums[a], threads);
  return counts;
}

std::vector<double> kmeans_host_ops::center_distances(const resources& res, rows x,
                                                      const std::int32_t* labels,
                                                      const float* centers) const {
  const std::int64_t n = x.n;
  const std::int64_t d = x.d;
  std::vector<double> dist(static_cast<std::size_t>(n));
#pragma omp parallel for num_threads(detail::kmeans_team(res.threads(), n * d)) schedule(static)
  for (std::int64_t i = 0; i < n; ++i) {
    double s = 0.0;
    add_center_sqdist(x, i, labels, centers, s);
    dist[static_cast<std::size_t>(i)] = s;
  }
  return dist;
}

void kmeans_host_ops::relocate(const resources&, rows x, const std::vector<detail::kmeans_move>& moves,
                               double* sums) const {
  const std::int64_t d = x.d;
  for (const auto& mv : moves) {
    const float* r = x.data + mv.row * x.ld;
    for (std::int64_t j = 0; j < d; ++j) {
      sums[mv.from * d + j] -= r[j];
      sums[mv.to * d + j] = r[j];
    }
  }
}

double kmeans_host_ops::finish_centers(const resources&, const double* sums,
                                       const std::vector<std::int64_t>& counts, std::int64_t d,
                                       bool spherical, const float* old_centers,
                                       float* centers) const {
  const auto k = static_cast<std::int64_t>(counts.size());
  for (std::int64_t c = 0; c < k; ++c) {
    const auto cnt = counts[static_cast<std::size_t>(c)];
    const double inv = cnt > 0 ? 1.0 / static_cast<double>(cnt) : 1.0;
    const double* s = sums + c * d;
    float* out = centers + c * d;
    if (spherical) {
      double nrm = 0.0;
      for (std::int64_t j = 0; j < d; ++j) nrm += s[j] * s[j];
      const double scale = nrm > 0.0 ? 1.0 / std::sqrt(nrm) : 1.0;
      for (std::int64_t j = 0; j < d; ++j) out[j] = static_cast<float>(s[j] * scale);
    } else {
      for (std::int64_t j = 0; j < d; ++j) out[j] = static_cast<float>(s[j] * inv);
    }
  }
  double shift = 0.0;
  for (std::int64_t i = 0; i < k * d; ++i) {
    const double t = static_cast<double>(centers[i]) - old_centers[i];
    shift += t * t;
  }
  return shift;
}

bool kmeans_host_ops::labels_differ(const resources&, const std::int32_t* a, const std::int32_t* b,
                                    std::int64_t n) const {
  return !std::equal(a, a + n, b);
}

/// Sum over rows of ||x_i - c_{l_i}||^2 in double, blocks of rows summed in
/// block order.
double kmeans_host_ops::inertia(const resources& res, rows x, const std::int32_t* labels,
                                const float* centers) const {
  const std::int64_t n = x.n;
  const std::int64_t d = x.d;
  const std::int64_t blocks = (n + kKmeansBlock - 1) / kKmeansBlock;
  std::vector<double> part(static_cast<std::size_t>(blocks), 0.0);
#pragma omp parallel for num_threads(detail::kmeans_team(res.threads(), n * d)) schedule(static)
  for (std::int64_t b = 0; b < blocks; ++b) {
    double acc = 0.0;
    for (std::int64_t i = b * kKmeansBlock; i < std::min(n, (b + 1) * kKmeansBlock); ++i)
      add_center_sqdist(x, i, labels, centers, acc);
    part[static_cast<std::size_t>(b)] = acc;
  }
  return std::accumulate(part.begin(), part.end(), 0.0);
}

}  // namespace embed_metrics::cpu
