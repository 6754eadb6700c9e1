#include "cpu/knn.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "cpu/blas.hpp"
#include "cpu/distance_tile.hpp"  // row_sqnorms

namespace embed_metrics::cpu {
namespace {

// A thread's distance tile: 128 rows (the GEMM row block of cpu/blas.cpp) by
// 2048 columns, 1 MiB, in cache between the GEMM that writes it and the
// selection that reads it.
constexpr std::int64_t kTileCols = 2048;
constexpr std::int64_t kRowBlock = 128;

// Insert (v, j) into the sorted list (vals, ids) of length cap, known to hold
// v < vals[cap - 1]; equal values keep the earlier (smaller) index first.
inline void insert_sorted(float* vals, std::int64_t* ids, std::int64_t cap, float v,
                          std::int64_t j) {
  std::int64_t p = cap - 1;
  while (p > 0 && vals[p - 1] > v) {
    vals[p] = vals[p - 1];
    ids[p] = ids[p - 1];
    --p;
  }
  vals[p] = v;
  ids[p] = j;
}

}  // namespace

void knn_select(matrix_view x, std::int64_t cap, knn_metric metric, int threads,
                std::vector<std::int64_t>& idx) {
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  threads = std::max(1, threads);
  idx.assign(static_cast<std::size_t>(n * cap), -1);
  std::vector<float> best(static_cast<std::size_t>(n * cap), std::numeric_limits<float>::infinity());

  // x comes prepared by core/row_prep: centred and scaled, or (cosine) with
  // unit rows, zero rows left zero.
  const matrix_view y = x;
  std::vector<float> norms(static_cast<std::size_t>(n), 0.0f);
  const bool cosine = metric == knn_metric::cosine;
  if (!cosine) row_sqnorms(x, norms.data(), threads);
  // Euclidean: ||x_i||^2 + ||y_j||^2 - 2 x_i.y_j. Cosine: 1 - x_i.y_j of unit
  // rows (norms 0 and "1 +" below).
  const float alpha = cosine ? -1.0f : -2.0f;
  const float offset = cosine ? 1.0f : 0.0f;

  // One parallel region: each thread takes a block of kRowBlock rows and walks
  // all column tiles, one single-threaded GEMM per tile (the same fixed blocks
  // as cpu::sgemm_nt, so results do not depend on the thread count) followed
  // at once by the selection while the tile is in cache. The clamp and the
  // exact self zero of cpu::sqdist_tile are not needed: the self pair is
  // skipped by index and the kept candidates are re-measured in knn_refine.
  const std::int64_t tile_cols = std::min(n, kTileCols);
  const std::int64_t blocks = (n + kRowBlock - 1) / kRowBlock;
  // Each thread's tile is allocated before the region: an allocation failure
  // inside it could not leave it (std::terminate).
  std::vector<std::vector<float>> tiles(static_cast<std::size_t>(threads));
  for (auto& t : tiles) t.resize(static_cast<std::size_t>(kRowBlock * tile_cols));
#pragma omp parallel num_threads(threads)
  {
    std::vector<float>& tile = tiles[static_cast<std::size_t>(omp_get_thread_num())];
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t b = 0; b < blocks; ++b) {
      const std::int64_t r0 = b * kRowBlock;
      const std::int64_t rows = std::min(kRowBlock, n - r0);
      const matrix_view xr = y.row_block(r0, rows);
      // Columns in ascending order: a later column with a value equal to a
      // kept one has a larger index, so strict comparisons break ties by index.
      for (std::int64_t c0 = 0; c0 < n; c0 += tile_cols) {
        const std::int64_t cols = std::min(tile_cols, n - c0);
        const matrix_view yc = y.row_block(c0, cols);
        sgemm_nt(rows, cols, d, alpha, xr.data, xr.ld(), yc.data, yc.ld(), 0.0f, tile.data(),
                 tile_cols, 1);
        const float* yn = norms.data() + c0;
        for (std::int64_t i = 0; i < rows; ++i) {
          const std::int64_t gi = r0 + i;
          float* vals = best.data() + gi * cap;
          std::int64_t* ids = idx.data() + gi * cap;
          const float* t = tile.data() + i * tile_cols;
          const float base = offset + norms[static_cast<std::size_t>(gi)];
          float worst = vals[cap - 1];
          for (std::int64_t j = 0; j < cols; ++j) {
            const float v = base + yn[j] + t[j];
            if (v < worst && c0 + j != gi) {
              insert_sorted(vals, ids, cap, v, c0 + j);
              worst = vals[cap - 1];
            }
          }
        }
      }
    }
  }
}

knn_result knn_refine(matrix_view x, std::int64_t k, std::int64_t cap, knn_metric metric,
                      const std::int64_t* idx, int threads) {
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  knn_result out;
  out.n = n;
  out.k = k;
  out.indices.resize(static_cast<std::size_t>(n * k));
  out.distances.resize(static_cast<std::size_t>(n * k));
  std::vector<double> sqnorm;
  if (metric == knn_metric::cosine) {
    sqnorm.resize(static_cast<std::size_t>(n));
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
      const float* r = x.row(i);
      double s = 0.0;
      for (std::int64_t c = 0; c < d; ++c) s += static_cast<double>(r[c]) * r[c];
      sqnorm[static_cast<std::size_t>(i)] = s;
    }
  }
  threads = std::max(1, threads);
  std::vector<std::vector<std::pair<double, std::int64_t>>> cands(static_cast<std::size_t>(threads));
  for (auto& c : cands) c.resize(static_cast<std::size_t>(cap));  // before the region, as above
#pragma omp parallel num_threads(threads)
  {
    std::vector<std::pair<double, std::int64_t>>& cand = cands[static_cast<std::size_t>(omp_get_thread_num())];
#pragma omp for schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
      const float* a = x.row(i);
      std::size_t m = 0;
      for (std::int64_t c = 0; c < cap; ++c) {
        const std::int64_t j = idx[i * cap + c];
        if (j < 0) continue;
        const float* b = x.row(j);
        double v = 0.0;
        if (metric == knn_metric::cosine) {
          double dot = 0.0;
          for (std::int64_t t = 0; t < d; ++t) dot += static_cast<double>(a[t]) * b[t];
          const double nn = sqnorm[static_cast<std::size_t>(i)] * sqnorm[static_cast<std::size_t>(j)];
          v = nn > 0.0 ? std::clamp(1.0 - dot / std::sqrt(nn), 0.0, 2.0) : 1.0;
        } else {
          for (std::int64_t t = 0; t < d; ++t) {
            const double e = static_cast<double>(a[t]) - b[t];
            v += e * e;
          }
          v = std::sqrt(v);
        }
        cand[m++] = {v, j};
      }
      std::sort(cand.begin(), cand.begin() + static_cast<std::ptrdiff_t>(m));
      for (std::int64_t c = 0; c < k; ++c) {
        out.indices[static_cast<std::size_t>(i * k + c)] = cand[static_cast<std::size_t>(c)].second;
        out.distances[static_cast<std::size_t>(i * k + c)] =
            static_cast<float>(cand[static_cast<std::size_t>(c)].first);
      }
    }
  }
  return out;
}

}  // namespace embed_metrics::cpu
