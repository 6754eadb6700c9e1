// Lloyd iterations on the CPU, batched over runs. Each iteration is one
// sgemm per block of rows against the stacked centres of every run still
// iterating, with the argmin taken block by block; the centroid sums are
// accumulated in double, cluster by cluster in row order, so that the
// result is the same whatever the thread count.

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "cpu/blas.hpp"
#include "cpu/distance_tile.hpp"
#include "cpu/kmeans.hpp"
#include "cpu/kmeans_common.hpp"

namespace embed_metrics::cpu {
namespace {

using detail::kKmeansBlock;

/// Floats in one block of the distance matrix (rows x stacked centres).
constexpr std::int64_t kTileFloats = std::int64_t{1} << 18;
/// Columns summed together by one task of the sorted centroid update.
constexpr std::int64_t kColumnChunk = 64;
/// Rows per block of the streamed centroid update, and the most doubles its
/// per-block partial sums may take (64 MiB).
constexpr std::int64_t kUpdateRows = 2048;
constexpr std::int64_t kUpdatePartialDoubles = std::int64_t{1} << 23;

enum class run_state { iterating, finalizing, done };

struct run {
  std::vector<float> centers;        // k x d
  std::vector<std::int32_t> labels;  // labels of the last assignment
  std::vector<std::int32_t> next;    // the assignment being computed
  run_state state = run_state::iterating;
  int n_iter = 0;
  bool converged = false;
};

/// Sums (double) and counts of the rows of each cluster; then empty clusters
/// take the rows farthest from their centres (scikit-learn's
/// _relocate_empty_clusters_dense); then the means. @p old_centers are the
/// centres @p labels were assigned to.
void update_centers(matrix_view x, const std::int32_t* labels, std::int64_t k,
                    const float* old_centers, bool spherical, float* new_centers, int threads) {
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  std::vector<std::int64_t> counts(static_cast<std::size_t>(k), 0);
  for (std::int64_t i = 0; i < n; ++i) ++counts[static_cast<std::size_t>(labels[i])];
  std::vector<double> sums(static_cast<std::size_t>(k * d), 0.0);
  // Two fixed orders, chosen by the shape alone (never by the thread count):
  // with room for several k x d partial sums, stream the rows in fixed blocks
  // (each block's sums in row order) and add the blocks in block order;
  // otherwise sort the rows by label and sum each cluster in row order.
  const std::int64_t blocks = std::min((n + kUpdateRows - 1) / kUpdateRows,
                                       kUpdatePartialDoubles / std::max<std::int64_t>(1, k * d));
  if (blocks >= 4) {
    const std::int64_t rows_per = (n + blocks - 1) / blocks;
    std::vector<double> part(static_cast<std::size_t>(blocks * k * d), 0.0);
#pragma omp parallel for num_threads(detail::kmeans_team(threads, n * d)) schedule(static)
    for (std::int64_t b = 0; b < blocks; ++b) {
      double* acc = part.data() + b * k * d;
      for (std::int64_t i = b * rows_per; i < std::min(n, (b + 1) * rows_per); ++i) {
        const float* r = x.row(i);
        double* a = acc + static_cast<std::int64_t>(labels[i]) * d;
        for (std::int64_t j = 0; j < d; ++j) a[j] += static_cast<double>(r[j]);
      }
    }
#pragma omp parallel for num_threads(detail::kmeans_team(threads, blocks * k * d)) schedule(static)
    for (std::int64_t e = 0; e < k * d; ++e) {
      double t = 0.0;
      for (std::int64_t b = 0; b < blocks; ++b) t += part[static_cast<std::size_t>(b * k * d + e)];
      sums[static_cast<std::size_t>(e)] = t;
    }
  } else {
    // Counting sort of the rows by label, stable (row order within a cluster).
    std::vector<std::int64_t> start(static_cast<std::size_t>(k) + 1, 0);
    for (std::int64_t c = 0; c < k; ++c)
      start[static_cast<std::size_t>(c) + 1] = start[static_cast<std::size_t>(c)] + counts[static_cast<std::size_t>(c)];
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
      std::copy(acc, acc + (j1 - j0), sums.data() + c * d + j0);
    }
  }

  std::vector<std::int64_t> empty;
  for (std::int64_t c = 0; c < k; ++c)
    if (counts[static_cast<std::size_t>(c)] == 0) empty.push_back(c);
  if (!empty.empty()) {
    std::vector<double> dist(static_cast<std::size_t>(n));
#pragma omp parallel for num_threads(detail::kmeans_team(threads, n * d)) schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
      const float* r = x.row(i);
      const float* ctr = old_centers + static_cast<std::int64_t>(labels[i]) * d;
      double s = 0.0;
      for (std::int64_t j = 0; j < d; ++j) {
        const double t = static_cast<double>(r[j]) - ctr[j];
        s += t * t;
      }
      dist[static_cast<std::size_t>(i)] = s;
    }
    const std::vector<std::int64_t> far = detail::farthest_rows(dist, empty.size());
    const auto n_empty = static_cast<std::int64_t>(far.size());
    for (std::int64_t e = 0; e < n_empty; ++e) {
      const std::int64_t to = empty[static_cast<std::size_t>(e)];
      const std::int64_t row = far[static_cast<std::size_t>(e)];
      const std::int64_t from = labels[row];
      const float* r = x.row(row);
      for (std::int64_t j = 0; j < d; ++j) {
        sums[static_cast<std::size_t>(from * d + j)] -= r[j];
        sums[static_cast<std::size_t>(to * d + j)] = r[j];
      }
      counts[static_cast<std::size_t>(to)] = 1;
      counts[static_cast<std::size_t>(from)] -= 1;
    }
  }

  for (std::int64_t c = 0; c < k; ++c) {
    const auto cnt = counts[static_cast<std::size_t>(c)];
    const double inv = cnt > 0 ? 1.0 / static_cast<double>(cnt) : 1.0;
    double* s = sums.data() + c * d;
    float* out = new_centers + c * d;
    if (spherical) {
      double nrm = 0.0;
      for (std::int64_t j = 0; j < d; ++j) nrm += s[j] * s[j];
      const double scale = nrm > 0.0 ? 1.0 / std::sqrt(nrm) : 1.0;
      for (std::int64_t j = 0; j < d; ++j) out[j] = static_cast<float>(s[j] * scale);
    } else {
      for (std::int64_t j = 0; j < d; ++j) out[j] = static_cast<float>(s[j] * inv);
    }
  }
}

/// Sum over rows of ||x_i - c_{l_i}||^2 in double, blocks of rows summed in
/// block order.
double inertia_of(matrix_view x, const std::int32_t* labels, const float* centers, int threads) {
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  const std::int64_t blocks = (n + kKmeansBlock - 1) / kKmeansBlock;
  std::vector<double> part(static_cast<std::size_t>(blocks), 0.0);
#pragma omp parallel for num_threads(detail::kmeans_team(threads, n * d)) schedule(static)
  for (std::int64_t b = 0; b < blocks; ++b) {
    double acc = 0.0;
    for (std::int64_t i = b * kKmeansBlock; i < std::min(n, (b + 1) * kKmeansBlock); ++i) {
      const float* r = x.row(i);
      const float* ctr = centers + static_cast<std::int64_t>(labels[i]) * d;
      for (std::int64_t j = 0; j < d; ++j) {
        const double t = static_cast<double>(r[j]) - ctr[j];
        acc += t * t;
      }
    }
    part[static_cast<std::size_t>(b)] = acc;
  }
  double s = 0.0;
  for (const double v : part) s += v;
  return s;
}

}  // namespace

void kmeans_assign(matrix_view x, matrix_view centers, const float* cn, std::int64_t k, int runs,
                   std::int32_t* const* labels, int threads) {
  const std::int64_t n = x.rows;
  const std::int64_t m = centers.rows;
  std::int64_t chunk = std::max<std::int64_t>(kKmeansBlock, kTileFloats / std::max<std::int64_t>(m, 1));
  chunk = std::min(n, chunk / kKmeansBlock * kKmeansBlock);
  std::vector<float> tile(static_cast<std::size_t>(chunk * m));
  for (std::int64_t r0 = 0; r0 < n; r0 += chunk) {
    const std::int64_t rows = std::min(chunk, n - r0);
    // tile = -2 x c^T; ||x_i||^2 is the same for every centre and is left out.
    sgemm_nt(rows, m, x.cols, -2.0f, x.row(r0), x.ld(), centers.data, centers.ld(), 0.0f,
             tile.data(), m, detail::kmeans_team(threads, rows * m * x.cols));
#pragma omp parallel for num_threads(detail::kmeans_team(threads, rows * m)) schedule(static)
    for (std::int64_t i = 0; i < rows; ++i) {
      const float* t = tile.data() + i * m;
      for (int r = 0; r < runs; ++r) {
        const std::int64_t c0 = static_cast<std::int64_t>(r) * k;
        std::int64_t best = 0;
        float best_v = t[c0] + cn[c0];
        for (std::int64_t c = 1; c < k; ++c) {
          const float v = t[c0 + c] + cn[c0 + c];
          if (v < best_v) {
            best_v = v;
            best = c;
          }
        }
        labels[r][r0 + i] = static_cast<std::int32_t>(best);
      }
    }
  }
}

std::vector<kmeans_result> kmeans_batch(matrix_view x_in, const kmeans_params& p_in,
                                        const std::vector<std::uint64_t>& seeds, int threads) {
  // x (and given centres) come prepared by core/row_prep: centred and
  // scaled, or unit rows for cosine.
  const bool spherical = p_in.metric == kmeans_metric::cosine;
  const kmeans_params& p = p_in;
  const matrix_view x = x_in;
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  const std::int64_t k = p.k;
  const auto runs = static_cast<std::int64_t>(seeds.size());
  const double tol = detail::kmeans_tolerance(x, p.tol, threads);

  std::vector<float> xn(static_cast<std::size_t>(n));
  row_sqnorms(x, xn.data(), detail::kmeans_team(threads, n * d));
  const host_matrix init = kmeans_init_centers(x, xn.data(), p, seeds, threads);

  std::vector<run> state(static_cast<std::size_t>(runs));
  for (std::int64_t r = 0; r < runs; ++r) {
    auto& s = state[static_cast<std::size_t>(r)];
    s.centers.assign(init.data() + r * k * d, init.data() + (r + 1) * k * d);
    s.labels.assign(static_cast<std::size_t>(n), -1);
    s.next.assign(static_cast<std::size_t>(n), -1);
  }

  std::vector<float> stacked;
  std::vector<float> cn;
  std::vector<std::int32_t*> outs;
  std::vector<std::int64_t> live;
  std::vector<float> fresh(static_cast<std::size_t>(k * d));
  for (;;) {
    live.clear();
    for (std::int64_t r = 0; r < runs; ++r)
      if (state[static_cast<std::size_t>(r)].state != run_state::done) live.push_back(r);
    if (live.empty()) break;
    const auto m = static_cast<std::int64_t>(live.size()) * k;
    stacked.resize(static_cast<std::size_t>(m * d));
    outs.clear();
    for (std::size_t a = 0; a < live.size(); ++a) {
      auto& s = state[static_cast<std::size_t>(live[a])];
      std::copy(s.centers.begin(), s.centers.end(), stacked.begin() + static_cast<std::ptrdiff_t>(a) * k * d);
      outs.push_back(s.next.data());
    }
    cn.resize(static_cast<std::size_t>(m));
    row_sqnorms(matrix_view(stacked.data(), m, d), cn.data(), detail::kmeans_team(threads, m * d));
    kmeans_assign(x, matrix_view(stacked.data(), m, d), cn.data(), k, static_cast<int>(live.size()),
                  outs.data(), threads);

    for (const std::int64_t r : live) {
      auto& s = state[static_cast<std::size_t>(r)];
      if (s.state == run_state::finalizing) {
        // The E-step against the final centres (scikit-learn does the same
        // when it stops on tol or max_iter rather than on stable labels).
        s.labels.swap(s.next);
        s.state = run_state::done;
        continue;
      }
      ++s.n_iter;
      update_centers(x, s.next.data(), k, s.centers.data(), spherical, fresh.data(), threads);
      double shift = 0.0;
      for (std::int64_t i = 0; i < k * d; ++i) {
        const double t = static_cast<double>(fresh[static_cast<std::size_t>(i)]) - s.centers[static_cast<std::size_t>(i)];
        shift += t * t;
      }
      const bool stable = s.labels == s.next;
      s.labels.swap(s.next);
      s.centers.swap(fresh);
      if (stable) {
        s.converged = true;
        s.state = run_state::done;
      } else if (shift <= tol) {
        s.converged = true;
        s.state = run_state::finalizing;
      } else if (s.n_iter >= p.max_iter) {
        s.state = run_state::finalizing;
      }
    }
  }

  std::vector<kmeans_result> out(static_cast<std::size_t>(runs));
  for (std::int64_t r = 0; r < runs; ++r) {
    auto& s = state[static_cast<std::size_t>(r)];
    auto& res = out[static_cast<std::size_t>(r)];
    res.centers = host_matrix(std::move(s.centers), k, d);
    res.labels.assign(s.labels.begin(), s.labels.end());
    res.inertia = inertia_of(x, s.labels.data(), res.centers.data(), threads);
    if (spherical) res.inertia *= 0.5;  // ||a - b||^2 / 2 = 1 - cos for unit rows
    res.n_iter = s.n_iter;
    res.converged = s.converged;
    res.seed = seeds[static_cast<std::size_t>(r)];
  }
  return out;
}

std::vector<std::int64_t> kmeans_predict(matrix_view x_in, matrix_view centers_in,
                                         kmeans_metric metric, int threads) {
  // Both prepared in one frame by core/row_prep (unit rows for cosine).
  static_cast<void>(metric);
  const matrix_view x = x_in;
  const matrix_view centers = centers_in;
  std::vector<float> cn(static_cast<std::size_t>(centers.rows));
  row_sqnorms(centers, cn.data(), detail::kmeans_team(threads, centers.rows * centers.cols));
  std::vector<std::int32_t> labels(static_cast<std::size_t>(x.rows));
  std::int32_t* out = labels.data();
  kmeans_assign(x, centers, cn.data(), centers.rows, 1, &out, threads);
  return {labels.begin(), labels.end()};
}

}  // namespace embed_metrics::cpu
