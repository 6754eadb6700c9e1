// The CPU backend's k-means++ primitives: the distances of all rows to the
// candidates of every run (direct dot products block by block for a few
// candidates, else one sgemm), a min / clamp epilogue with fixed-order block
// sums of the potentials, draws on the host from each run's Philox stream.

#include <algorithm>
#include <cstring>
#include <numeric>
#include <vector>

#include "core/philox.hpp"
#include "cpu/blas.hpp"
#include "cpu/center_dots.hpp"
#include "cpu/kmeans_common.hpp"
#include "cpu/kmeans_ops.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::cpu {

using detail::kKmeansBlock;

void kmeans_host_ops::pp_candidates(const resources& res, rows x, const float* xn,
                                    const std::int64_t* idx, std::int64_t m, const float* closest,
                                    int trials, float* out, double* part) const {
  const int threads = res.threads();
  const std::int64_t n = x.n;
  const std::int64_t d = x.d;
  std::vector<float> cand(static_cast<std::size_t>(m * d));
  std::vector<float> cn(static_cast<std::size_t>(m));
  gather_rows(res, x, idx, m, cand.data());
  for (std::int64_t c = 0; c < m; ++c) cn[static_cast<std::size_t>(c)] = xn[idx[c]];
  const std::int64_t blocks = (n + kKmeansBlock - 1) / kKmeansBlock;
  std::fill(part, part + blocks * m, 0.0);
  // With a few candidates, each block's distances come straight from its
  // rows (center_dots) inside the pass; otherwise one sgemm first.
  const bool direct = center_dots_direct(m, d);
  if (!direct)
    sgemm_nt(n, m, d, -2.0f, x.data, x.ld, cand.data(), d, 0.0f, out, m,
             detail::kmeans_team(threads, n * m * d));
  // One pass per block of rows: distances, epilogue, min with the current D^2, sums.
#pragma omp parallel for num_threads(detail::kmeans_team(threads, n * m * (direct ? d : 1))) schedule(static)
  for (std::int64_t b = 0; b < blocks; ++b) {
    double* acc = part + b * m;
    if (direct) {
      const std::int64_t r0 = b * kKmeansBlock;
      center_dots(std::min(kKmeansBlock, n - r0), m, d, x.data + r0 * x.ld, x.ld, cand.data(), d,
                  out + r0 * m);
    }
    for (std::int64_t i = b * kKmeansBlock; i < std::min(n, (b + 1) * kKmeansBlock); ++i) {
      float* r = out + i * m;
      for (std::int64_t c = 0; c < m; ++c) {
        float v = idx[c] == i ? 0.0f : std::max(r[c] + xn[i] + cn[static_cast<std::size_t>(c)], 0.0f);
        if (closest != nullptr) v = std::min(v, closest[(c / trials) * n + i]);
        r[c] = v;
        acc[c] += static_cast<double>(v);
      }
    }
  }
}

void kmeans_host_ops::pp_sample(const resources&, const float* closest, const double* run_part,
                                std::int64_t n, const std::uint64_t* seeds, int runs, int trials,
                                std::uint32_t step, std::int64_t* cand) const {
  const std::int64_t blocks = (n + kKmeansBlock - 1) / kKmeansBlock;
  for (std::int64_t r = 0; r < runs; ++r) {
    const double* bs = run_part + r * blocks;
    const double pot = std::accumulate(bs, bs + blocks, 0.0);
    for (int t = 0; t < trials; ++t) {
      const double u = detail::philox_uniform(seeds[r], static_cast<std::uint32_t>(t), step,
                                              detail::kStreamTrials);
      cand[r * trials + t] = detail::kmeans_sample_index(closest + r * n, n, bs, u * pot);
    }
  }
}

void kmeans_host_ops::pp_choose(const resources& res, rows x, const float* dist, const double* part,
                                int runs, int trials, const std::int64_t* cand, std::int64_t k,
                                std::int64_t step, float* centers, double* run_part,
                                float* closest) const {
  const std::int64_t n = x.n;
  const std::int64_t d = x.d;
  const std::int64_t m = static_cast<std::int64_t>(runs) * trials;
  const std::int64_t blocks = (n + kKmeansBlock - 1) / kKmeansBlock;
  for (std::int64_t r = 0; r < runs; ++r) {
    int best = 0;
    double best_pot = 0.0;
    for (int t = 0; t < trials; ++t) {
      double pot = 0.0;
      for (std::int64_t b = 0; b < blocks; ++b) pot += part[b * m + r * trials + t];
      if (t == 0 || pot < best_pot) {
        best = t;
        best_pot = pot;
      }
    }
    const std::int64_t j = r * trials + best;
    std::memcpy(centers + (r * k + step) * d, x.data + cand[j] * x.ld,
                sizeof(float) * static_cast<std::size_t>(d));
    for (std::int64_t b = 0; b < blocks; ++b) run_part[r * blocks + b] = part[b * m + j];
    float* rc = closest + r * n;
#pragma omp parallel for num_threads(detail::kmeans_team(res.threads(), n)) schedule(static)
    for (std::int64_t i = 0; i < n; ++i) rc[i] = dist[i * m + j];
  }
}

}  // namespace embed_metrics::cpu
