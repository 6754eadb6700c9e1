// k-means over ranks: greedy k-means++ (the single-process seeds, Philox
// stream and trial count) and Lloyd iterations, each rank assigning its own
// rows; the centre sums, counts, potentials and inertia are order-free sums
// (dist/exact_sum.hpp) all-reduced, so every rank holds the same centres and
// the labels do not depend on the number of ranks. A sampled row is found
// from the ranks' exact potential totals, and its owner broadcasts it.
// Distances are direct differences in double. Kept to these few primitives
// (assign, sums, sample) so that it can move onto the backend k-means driver.

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/check.hpp"
#include "core/philox.hpp"
#include "core/validate.hpp"
#include "cpu/kmeans_common.hpp"
#include "dist/exact_sum.hpp"
#include "dist/row_layout.hpp"
#include "embed_metrics/distributed.hpp"

namespace embed_metrics::distributed {
namespace {

// The first global row where the running exact sum of @p values reaches
// @p target (values and target quantised with exponent q), as one process
// scanning all rows in order would find it.
std::int64_t sample_row(communicator& comm, const detail::row_layout& l, const std::vector<double>& values,
                        int q, const detail::exact_int& target) {
  detail::exact_sums mine(1, q);
  for (const double v : values) mine.add(0, v);
  const auto p = static_cast<std::size_t>(comm.size());
  std::vector<std::int64_t> all(3 * p);
  comm.all_gather(mine.limbs().data(), 3 * sizeof(std::int64_t), all.data());
  detail::exact_int prefix = 0;
  std::int64_t last = l.total - 1;
  for (std::size_t r = 0; r < p; ++r) {
    const detail::exact_int next = prefix + detail::exact_value(all.data() + 3 * r);
    if (next >= target && l.count[r] > 0) {
      std::int64_t found = -1;
      if (static_cast<int>(r) == comm.rank()) {
        detail::exact_int s = prefix;
        found = l.count[r] - 1;
        for (std::size_t i = 0; i < values.size(); ++i) {
          std::int64_t limb[3];
          detail::exact_limbs(values[i], q, limb);
          s += detail::exact_value(limb);
          if (s >= target) {
            found = static_cast<std::int64_t>(i);
            break;
          }
        }
        found += l.offset[r];
      }
      const double f = detail::global_max(comm, static_cast<double>(found));  // the owner's answer
      return f >= 0.0 ? static_cast<std::int64_t>(f) : last;
    }
    prefix = next;
  }
  return last;  // rounding put the target past the total: the last row
}

struct run_state {
  std::vector<double> centers;  // k x d
  std::vector<std::int64_t> labels;
  double inertia = 0.0;
  int n_iter = 0;
  bool converged = false;
};

std::vector<double> plus_plus(communicator& comm, const detail::row_layout& l, matrix_view x,
                              const kmeans_params& p, std::uint64_t seed, int threads) {
  const std::int64_t d = x.cols;
  const std::int64_t n = x.rows;
  const std::int64_t k = p.k;
  const int trials = detail::kmeans_local_trials(k, p.n_local_trials);
  // One centre after another, k x d at the end.
  std::vector<double> centers =
      detail::global_row(comm, l, x, detail::kmeans_first_center(seed, l.total));
  std::vector<double> closest(static_cast<std::size_t>(n));
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::int64_t i = 0; i < n; ++i)
    closest[static_cast<std::size_t>(i)] = detail::sq_distance(x.row(i), centers.data(), d);
  double most = 0.0;
  for (const double v : closest) most = std::max(most, v);
  const int q = detail::exact_exponent(detail::global_max(comm, most));  // later values only shrink
  std::vector<double> dist(static_cast<std::size_t>(n * trials));
  for (std::int64_t c = 1; c < k; ++c) {
    detail::exact_sums pot(1, q);
    for (const double v : closest) pot.add(0, v);
    pot.all_reduce(comm);
    const double total = pot.value(0);
    std::vector<std::vector<double>> cand;
    for (int t = 0; t < trials; ++t) {
      const double u = detail::philox_uniform(seed, static_cast<std::uint32_t>(t),
                                              static_cast<std::uint32_t>(c), detail::kStreamTrials);
      std::int64_t limb[3];
      detail::exact_limbs(u * total, q, limb);
      cand.push_back(detail::global_row(
          comm, l, x, sample_row(comm, l, closest, q, detail::exact_value(limb))));
    }
    detail::exact_sums trial_pot(static_cast<std::size_t>(trials), q);
#pragma omp parallel num_threads(threads)
    {
      detail::exact_sums my(static_cast<std::size_t>(trials), q);
#pragma omp for schedule(static) nowait
      for (std::int64_t i = 0; i < n; ++i)
        for (int t = 0; t < trials; ++t) {
          const double v =
              std::min(closest[static_cast<std::size_t>(i)],
                       detail::sq_distance(x.row(i), cand[static_cast<std::size_t>(t)].data(), d));
          dist[static_cast<std::size_t>(i * trials + t)] = v;
          my.add(static_cast<std::size_t>(t), v);
        }
#pragma omp critical
      trial_pot.merge(my);
    }
    trial_pot.all_reduce(comm);
    int best = 0;
    for (int t = 1; t < trials; ++t)
      if (trial_pot.integer(static_cast<std::size_t>(t)) < trial_pot.integer(static_cast<std::size_t>(best))) best = t;
    centers.insert(centers.end(), cand[static_cast<std::size_t>(best)].begin(),
                   cand[static_cast<std::size_t>(best)].end());
    for (std::int64_t i = 0; i < n; ++i)
      closest[static_cast<std::size_t>(i)] = dist[static_cast<std::size_t>(i * trials + best)];
  }
  return centers;
}

// Nearest centre of each row (the lowest index on a tie) and its distance.
void assign(matrix_view x, const std::vector<double>& centers, std::int64_t k,
            std::vector<std::int64_t>& labels, std::vector<double>& best, int threads) {
  const std::int64_t d = x.cols;
  labels.resize(static_cast<std::size_t>(x.rows));
  best.resize(static_cast<std::size_t>(x.rows));
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::int64_t i = 0; i < x.rows; ++i) {
    double b = std::numeric_limits<double>::infinity();
    std::int64_t bl = 0;
    for (std::int64_t c = 0; c < k; ++c) {
      const double v = detail::sq_distance(x.row(i), centers.data() + c * d, d);
      if (v < b) {
        b = v;
        bl = c;
      }
    }
    labels[static_cast<std::size_t>(i)] = bl;
    best[static_cast<std::size_t>(i)] = b;
  }
}

run_state lloyd(communicator& comm, matrix_view x, const kmeans_params& p,
                std::vector<double> centers, double tol_abs, double x_bound, int threads) {
  const std::int64_t d = x.cols;
  const std::int64_t k = p.k;
  const int q = detail::exact_exponent(x_bound);
  run_state s;
  std::vector<double> best;
  std::vector<std::int64_t> previous;
  for (int it = 1; it <= p.max_iter; ++it) {
    assign(x, centers, k, s.labels, best, threads);
    const bool changed = previous.empty() || previous != s.labels;
    if (detail::global_sum(comm, changed ? 1 : 0) == 0) {
      s.converged = true;
      break;
    }
    previous = s.labels;
    detail::exact_sums sums(static_cast<std::size_t>(k * d), q);
    std::vector<std::int64_t> counts(static_cast<std::size_t>(k), 0);
    for (std::int64_t i = 0; i < x.rows; ++i) {
      const std::int64_t c = s.labels[static_cast<std::size_t>(i)];
      ++counts[static_cast<std::size_t>(c)];
      for (std::int64_t j = 0; j < d; ++j) sums.add(static_cast<std::size_t>(c * d + j), x.row(i)[j]);
    }
    sums.all_reduce(comm);
    comm.all_reduce_sum(counts.data(), counts.size());
    double shift = 0.0;
    for (std::int64_t c = 0; c < k; ++c) {
      if (counts[static_cast<std::size_t>(c)] == 0) continue;  // an empty cluster keeps its centre
      for (std::int64_t j = 0; j < d; ++j) {
        const double v = sums.value(static_cast<std::size_t>(c * d + j)) /
                         static_cast<double>(counts[static_cast<std::size_t>(c)]);
        const double t = v - centers[static_cast<std::size_t>(c * d + j)];
        shift += t * t;
        centers[static_cast<std::size_t>(c * d + j)] = v;
      }
    }
    s.n_iter = it;
    if (shift <= tol_abs) {
      s.converged = true;
      break;
    }
  }
  assign(x, centers, k, s.labels, best, threads);
  double most = 0.0;
  for (const double v : best) most = std::max(most, v);
  detail::exact_sums inertia(1, detail::exact_exponent(detail::global_max(comm, most)));
  for (const double v : best) inertia.add(0, v);
  inertia.all_reduce(comm);
  s.inertia = inertia.value(0);
  s.centers = std::move(centers);
  return s;
}

}  // namespace

kmeans_result kmeans(const resources& res, matrix_view x, const kmeans_params& p) {
  const auto comm = detail::comm_of(res);
  detail::on_every_rank(*comm, [&] {
    detail::check_host_rows(x, "x");
    EM_EXPECTS(p.metric == kmeans_metric::euclidean, "distributed kmeans: only the euclidean metric; "
               "for cosine, L2-normalise the rows first (the report's --normalize)");
    EM_EXPECTS(p.n_init >= 1 && p.max_iter >= 1 && p.tol >= 0.0, "distributed kmeans: n_init = ", p.n_init,
               ", max_iter = ", p.max_iter, ", tol = ", p.tol, "; give n_init >= 1, max_iter >= 1, tol >= 0");
  });
  const auto l = detail::row_layout::of(*comm, x.rows);
  EM_EXPECTS(p.k >= 1 && p.k <= l.total, "distributed kmeans: k is ", p.k, " for ", l.total,
             " rows over all ranks; k must lie in [1, n]");
  const std::int64_t d = x.cols;
  const int threads = res.threads();
  // tol with scikit-learn's meaning: times the mean per-feature variance.
  const double x_bound = detail::global_max_abs(*comm, x);
  detail::exact_sums m1(static_cast<std::size_t>(d), detail::exact_exponent(x_bound));
  detail::exact_sums m2(static_cast<std::size_t>(d), detail::exact_exponent(x_bound * x_bound));
  for (std::int64_t i = 0; i < x.rows; ++i)
    for (std::int64_t j = 0; j < d; ++j) {
      const double v = x.row(i)[j];
      m1.add(static_cast<std::size_t>(j), v);
      m2.add(static_cast<std::size_t>(j), v * v);
    }
  m1.all_reduce(*comm);
  m2.all_reduce(*comm);
  double var = 0.0;
  const double nd = static_cast<double>(l.total);
  for (std::int64_t j = 0; j < d; ++j) {
    const double mean = m1.value(static_cast<std::size_t>(j)) / nd;
    var += std::max(0.0, m2.value(static_cast<std::size_t>(j)) / nd - mean * mean);
  }
  const double tol_abs = p.tol * var / static_cast<double>(d);

  kmeans_result out;
  for (int run = 0; run < p.n_init; ++run) {
    const std::uint64_t seed = kmeans_run_seed(p.seed, run);
    std::vector<double> centers;
    if (p.init == kmeans_init::kmeans_plus_plus) {
      centers = plus_plus(*comm, l, x, p, seed, threads);
    } else if (p.init == kmeans_init::random) {
      for (const std::int64_t g : detail::kmeans_random_rows(seed, l.total, p.k)) {
        const auto row = detail::global_row(*comm, l, x, g);
        centers.insert(centers.end(), row.begin(), row.end());
      }
    } else {
      const matrix_view c = p.initial_centers;
      EM_EXPECTS(c.rows == p.k && c.cols == d, "distributed kmeans: initial_centers is ", c.rows, "x",
                 c.cols, ", expected ", p.k, "x", d);
      for (std::int64_t i = 0; i < c.rows; ++i)
        for (std::int64_t j = 0; j < d; ++j) centers.push_back(c.row(i)[j]);
    }
    run_state s = lloyd(*comm, x, p, std::move(centers), tol_abs, x_bound, threads);
    if (run == 0 || s.inertia < out.inertia) {
      out.centers = host_matrix(p.k, d);
      for (std::size_t e = 0; e < s.centers.size(); ++e) out.centers.data()[e] = static_cast<float>(s.centers[e]);
      out.labels = std::move(s.labels);
      out.inertia = s.inertia;
      out.n_iter = s.n_iter;
      out.converged = s.converged;
      out.seed = seed;
    }
  }
  return out;
}

}  // namespace embed_metrics::distributed
