// k-means seeding, one driver for every backend. Greedy k-means++ as
// scikit-learn's _kmeans_plusplus, batched over runs: each centre is a
// draw of n_local_trials candidates per run with probability proportional
// to D^2, one pass of all rows against every run's candidates, and the
// choice of the candidate that most lowers the potential. Every step stays
// in the backend's memory: nothing comes back to the host until all k
// centres are chosen. Random numbers come from the Philox stream of each
// run's seed.

#include "metrics/kmeans_driver.hpp"

#include "backend/backend.hpp"
#include "cpu/kmeans_common.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::detail {
namespace {

void plus_plus(const resources& res, const kmeans_ops& ops, kmeans_rows x, const float* xn,
               std::int64_t k, int trials, const std::vector<std::uint64_t>& seeds,
               float* centers) {
  const std::int64_t n = x.n;
  const int runs = static_cast<int>(seeds.size());
  const std::int64_t m = static_cast<std::int64_t>(runs) * trials;
  const std::int64_t blocks = (n + kKmeansBlock - 1) / kKmeansBlock;

  const kmeans_buffer d_seeds = allocate<std::uint64_t>(res, ops, runs, "the seeds");
  ops.upload(res, d_seeds.as<void>(), seeds.data(), sizeof(std::uint64_t) * seeds.size());
  const kmeans_buffer cand = allocate<std::int64_t>(res, ops, m, "the k-means++ candidates");
  const kmeans_buffer dist = allocate<float>(res, ops, n * m, "the k-means++ candidate distances");
  const kmeans_buffer part = allocate<double>(res, ops, blocks * m, "the k-means++ potentials");
  const kmeans_buffer run_part = allocate<double>(res, ops, blocks * runs, "the k-means++ potentials");
  const kmeans_buffer closest = allocate<float>(res, ops, n * runs, "the k-means++ distances");

  // Centre 0 of each run: one "candidate" per run, adopted as it is.
  std::vector<std::int64_t> first(seeds.size());
  for (std::size_t r = 0; r < seeds.size(); ++r) first[r] = kmeans_first_center(seeds[r], n);
  ops.upload(res, cand.as<void>(), first.data(), sizeof(std::int64_t) * first.size());
  ops.pp_candidates(res, x, xn, cand.as<std::int64_t>(), runs, nullptr, 1, dist.as<float>(),
                    part.as<double>());
  ops.pp_choose(res, x, dist.as<float>(), part.as<double>(), runs, 1, cand.as<std::int64_t>(), k, 0,
                centers, run_part.as<double>(), closest.as<float>());

  for (std::int64_t c = 1; c < k; ++c) {
    ops.pp_sample(res, closest.as<float>(), run_part.as<double>(), n, d_seeds.as<std::uint64_t>(),
                  runs, trials, static_cast<std::uint32_t>(c), cand.as<std::int64_t>());
    ops.pp_candidates(res, x, xn, cand.as<std::int64_t>(), m, closest.as<float>(), trials,
                      dist.as<float>(), part.as<double>());
    ops.pp_choose(res, x, dist.as<float>(), part.as<double>(), runs, trials,
                  cand.as<std::int64_t>(), k, c, centers, run_part.as<double>(),
                  closest.as<float>());
  }
}

}  // namespace

void kmeans_init_centers(const resources& res, const kmeans_ops& ops, kmeans_rows x,
                         const float* xn, const kmeans_params& p, const float* given,
                         const std::vector<std::uint64_t>& seeds, float* centers) {
  const std::int64_t k = p.k;
  const std::int64_t kd = k * x.d;
  if (p.init == kmeans_init::kmeans_plus_plus) {
    plus_plus(res, ops, x, xn, k, kmeans_local_trials(k, p.n_local_trials), seeds, centers);
    return;
  }
  if (p.init == kmeans_init::given) {
    for (std::size_t r = 0; r < seeds.size(); ++r)
      ops.copy(res, centers + static_cast<std::int64_t>(r) * kd, given,
               sizeof(float) * static_cast<std::size_t>(kd));
    return;
  }
  std::vector<std::int64_t> rows;
  for (const auto seed : seeds) {
    const auto one = kmeans_random_rows(seed, x.n, k);
    rows.insert(rows.end(), one.begin(), one.end());
  }
  const auto count = static_cast<std::int64_t>(rows.size());
  const kmeans_buffer idx = allocate<std::int64_t>(res, ops, count, "the initial rows");
  ops.upload(res, idx.as<void>(), rows.data(), sizeof(std::int64_t) * rows.size());
  ops.gather_rows(res, x, idx.as<std::int64_t>(), count, centers);
}

kmeans_buffer kmeans_seed_centers(const resources& res, const kmeans_ops& ops, kmeans_rows x,
                                  const kmeans_params& p, const std::vector<std::uint64_t>& seeds) {
  const kmeans_buffer xn = allocate<float>(res, ops, x.n, "the squared row norms");
  ops.row_sqnorms(res, x, xn.as<float>());
  const auto runs = static_cast<std::int64_t>(seeds.size());
  kmeans_buffer centers = allocate<float>(res, ops, runs * p.k * x.d, "the k-means centres");
  kmeans_staged given;
  if (p.init == kmeans_init::given)
    given = ops.stage_rows(res, p.initial_centers, true, "initial_centers");
  kmeans_init_centers(res, ops, x, xn.as<float>(), p, given.rows.data, seeds, centers.as<float>());
  return centers;
}

host_matrix kmeans_init_host(const resources& res, matrix_view x, const kmeans_params& p,
                             const std::vector<std::uint64_t>& seeds) {
  const kmeans_ops& ops = *backend_for(res).kmeans;
  const auto call = ops.begin_call(res);
  const kmeans_staged sx = ops.stage_rows(res, x, false, "x");
  const kmeans_buffer centers = kmeans_seed_centers(res, ops, sx.rows, p, seeds);
  host_matrix out(static_cast<std::int64_t>(seeds.size()) * p.k, x.cols);
  ops.download(res, out.data(), centers.as<float>(), centers.bytes());
  return out;
}

}  // namespace embed_metrics::detail
