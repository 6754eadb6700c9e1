// k-means seeding on the CPU: greedy k-means++ as scikit-learn's
// _kmeans_plusplus (n_local_trials candidates drawn with probability
// proportional to D^2, the one that most lowers the potential kept), batched
// over runs: each step is one GEMM of all rows against the candidates of
// every run. Random numbers come from the Philox stream of each run's seed.

#include <algorithm>
#include <cstring>

#include "core/philox.hpp"
#include "cpu/blas.hpp"
#include "cpu/kmeans.hpp"
#include "cpu/kmeans_common.hpp"

namespace embed_metrics::cpu {
namespace {

using detail::kKmeansBlock;

/// One step of k-means++ for m candidates (the rows @p idx of x), all runs
/// together: out (n x m) = min(closest of the candidate's run, D^2(row,
/// candidate)), D^2 from one sgemm, clamped at 0, exactly 0 for a row and
/// itself; part[b * m + c] = the sum of column c over the rows of block b, in
/// row order, in double. With closest empty, just D^2. closest is runs x n.
void candidate_step(matrix_view x, const float* xn, const std::vector<std::int64_t>& idx,
                    const std::vector<float>& closest, int trials, std::vector<float>& out,
                    std::vector<double>& part, int threads) {
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  const auto m = static_cast<std::int64_t>(idx.size());
  std::vector<float> cand(static_cast<std::size_t>(m * d));
  std::vector<float> cn(static_cast<std::size_t>(m));
  for (std::int64_t c = 0; c < m; ++c) {
    std::memcpy(cand.data() + c * d, x.row(idx[static_cast<std::size_t>(c)]),
                sizeof(float) * static_cast<std::size_t>(d));
    cn[static_cast<std::size_t>(c)] = xn[idx[static_cast<std::size_t>(c)]];
  }
  out.resize(static_cast<std::size_t>(n * m));
  sgemm_nt(n, m, d, -2.0f, x.data, x.ld(), cand.data(), d, 0.0f, out.data(), m,
           detail::kmeans_team(threads, n * m * d));
  const std::int64_t blocks = (n + kKmeansBlock - 1) / kKmeansBlock;
  part.assign(static_cast<std::size_t>(blocks * m), 0.0);
  const bool lower = !closest.empty();
  // One pass per block of rows: epilogue, min with the current D^2, sums.
#pragma omp parallel for num_threads(detail::kmeans_team(threads, n * m)) schedule(static)
  for (std::int64_t b = 0; b < blocks; ++b) {
    double* acc = part.data() + b * m;
    for (std::int64_t i = b * kKmeansBlock; i < std::min(n, (b + 1) * kKmeansBlock); ++i) {
      float* r = out.data() + i * m;
      for (std::int64_t c = 0; c < m; ++c) {
        const std::int64_t row = idx[static_cast<std::size_t>(c)];
        float v = row == i ? 0.0f : std::max(r[c] + xn[i] + cn[static_cast<std::size_t>(c)], 0.0f);
        if (lower) v = std::min(v, closest[static_cast<std::size_t>((c / trials) * n + i)]);
        r[c] = v;
        acc[c] += static_cast<double>(v);
      }
    }
  }
}

void copy_row(matrix_view x, std::int64_t row, float* dst) {
  std::memcpy(dst, x.row(row), sizeof(float) * static_cast<std::size_t>(x.cols));
}

host_matrix plus_plus(matrix_view x, const float* xn, std::int64_t k, int trials,
                      const std::vector<std::uint64_t>& seeds, int threads) {
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  const auto runs = static_cast<std::int64_t>(seeds.size());
  const std::int64_t blocks = (n + kKmeansBlock - 1) / kKmeansBlock;
  host_matrix centers(runs * k, d);

  // The first centre of each run; closest(i, r) = D^2 of row i in run r.
  std::vector<std::int64_t> idx(static_cast<std::size_t>(runs));
  for (std::int64_t r = 0; r < runs; ++r) {
    idx[static_cast<std::size_t>(r)] = detail::kmeans_first_center(seeds[static_cast<std::size_t>(r)], n);
    copy_row(x, idx[static_cast<std::size_t>(r)], centers.data() + r * k * d);
  }
  std::vector<float> first_dist;  // n x runs
  std::vector<double> part;
  candidate_step(x, xn, idx, {}, 1, first_dist, part, threads);
  // run_part[r][b]: the block sums of run r's current D^2; run_closest[r][i]: the D^2.
  std::vector<double> run_part(static_cast<std::size_t>(runs * blocks));
  std::vector<float> run_closest(static_cast<std::size_t>(runs * n));
  for (std::int64_t r = 0; r < runs; ++r) {
    for (std::int64_t b = 0; b < blocks; ++b)
      run_part[static_cast<std::size_t>(r * blocks + b)] = part[static_cast<std::size_t>(b * runs + r)];
    for (std::int64_t i = 0; i < n; ++i)
      run_closest[static_cast<std::size_t>(r * n + i)] = first_dist[static_cast<std::size_t>(i * runs + r)];
  }

  const std::int64_t m = runs * trials;
  std::vector<std::int64_t> cand(static_cast<std::size_t>(m));
  std::vector<float> dist;
  for (std::int64_t c = 1; c < k; ++c) {
    // Draw the candidates of every run.
    for (std::int64_t r = 0; r < runs; ++r) {
      const double* bs = run_part.data() + r * blocks;
      double pot = 0.0;
      for (std::int64_t b = 0; b < blocks; ++b) pot += bs[b];
      for (int t = 0; t < trials; ++t) {
        const double u = detail::philox_uniform(seeds[static_cast<std::size_t>(r)],
                                                static_cast<std::uint32_t>(t),
                                                static_cast<std::uint32_t>(c), detail::kStreamTrials);
        cand[static_cast<std::size_t>(r * trials + t)] =
            detail::kmeans_sample_index(run_closest.data() + r * n, n, bs, u * pot);
      }
    }
    // D^2 of every row to every candidate, lowered by the current D^2.
    candidate_step(x, xn, cand, run_closest, trials, dist, part, threads);
    for (std::int64_t r = 0; r < runs; ++r) {
      int best = 0;
      double best_pot = 0.0;
      for (int t = 0; t < trials; ++t) {
        double pot = 0.0;
        for (std::int64_t b = 0; b < blocks; ++b) pot += part[static_cast<std::size_t>(b * m + r * trials + t)];
        if (t == 0 || pot < best_pot) {
          best = t;
          best_pot = pot;
        }
      }
      const std::int64_t j = r * trials + best;
      copy_row(x, cand[static_cast<std::size_t>(j)], centers.data() + (r * k + c) * d);
      for (std::int64_t b = 0; b < blocks; ++b)
        run_part[static_cast<std::size_t>(r * blocks + b)] = part[static_cast<std::size_t>(b * m + j)];
      float* rc = run_closest.data() + r * n;
#pragma omp parallel for num_threads(detail::kmeans_team(threads, n)) schedule(static)
      for (std::int64_t i = 0; i < n; ++i) rc[i] = dist[static_cast<std::size_t>(i * m + j)];
    }
  }
  return centers;
}

}  // namespace

host_matrix kmeans_init_centers(matrix_view x, const float* xn, const kmeans_params& p,
                                const std::vector<std::uint64_t>& seeds, int threads) {
  const std::int64_t k = p.k;
  const std::int64_t d = x.cols;
  const auto runs = static_cast<std::int64_t>(seeds.size());
  if (p.init == kmeans_init::kmeans_plus_plus)
    return plus_plus(x, xn, k, detail::kmeans_local_trials(k, p.n_local_trials), seeds, threads);
  host_matrix centers(runs * k, d);
  for (std::int64_t r = 0; r < runs; ++r) {
    if (p.init == kmeans_init::random) {
      const auto rows = detail::kmeans_random_rows(seeds[static_cast<std::size_t>(r)], x.rows, k);
      for (std::int64_t c = 0; c < k; ++c)
        copy_row(x, rows[static_cast<std::size_t>(c)], centers.data() + (r * k + c) * d);
    } else {
      for (std::int64_t c = 0; c < k; ++c) copy_row(p.initial_centers, c, centers.data() + (r * k + c) * d);
    }
  }
  return centers;
}

}  // namespace embed_metrics::cpu
