// k-means: argument checks, then the CUDA or the CPU backend.

#include "embed_metrics/kmeans.hpp"

#include <cstdint>
#include <limits>

#include "core/check.hpp"
#include "core/validate.hpp"
#include "cpu/kmeans.hpp"
#ifdef EMBED_METRICS_HAS_CUDA
#include "backend/cuda_kmeans.hpp"
#endif

namespace embed_metrics {
namespace {

void check_inputs(const resources& res, matrix_view x, const kmeans_params& p) {
  detail::check_matrix(x, "x");
  EM_EXPECTS(x.rows > 0 && x.cols > 0, "kmeans: x is empty (", x.rows, "x", x.cols,
             "); give at least one row and one column");
  EM_EXPECTS(p.k >= 1, "kmeans: k is ", p.k, "; it must be at least 1");
  EM_EXPECTS(p.k <= x.rows, "kmeans: k is ", p.k, " but x has only ", x.rows,
             " rows; k must not exceed the number of rows");
  EM_EXPECTS(p.k <= std::numeric_limits<std::int32_t>::max(), "kmeans: k is ", p.k,
             "; at most 2^31 - 1 clusters are supported");
  EM_EXPECTS(p.max_iter >= 1, "kmeans: max_iter is ", p.max_iter, "; it must be at least 1");
  EM_EXPECTS(p.tol >= 0.0, "kmeans: tol is ", p.tol, "; it must be >= 0");
  EM_EXPECTS(p.n_local_trials >= 0, "kmeans: n_local_trials is ", p.n_local_trials,
             "; give 0 (2 + floor(ln k)) or a positive count");
  if (p.init == kmeans_init::given) {
    const matrix_view c = p.initial_centers;
    detail::check_matrix(c, "initial_centers");
    EM_EXPECTS(c.rows == p.k && c.cols == x.cols, "kmeans: initial_centers is ", c.rows, "x",
               c.cols, ", expected ", p.k, "x", x.cols, " (k rows of x's dimension)");
    if (!res.is_cuda()) detail::check_host(c, "initial_centers", res);
    detail::check_finite(c, "initial_centers");
  }
  if (!res.is_cuda()) detail::check_host(x, "x", res);
  detail::check_finite(x, "x");  // host views here; the CUDA backend checks device views
}

}  // namespace

std::vector<kmeans_result> kmeans_batch(const resources& res, matrix_view x,
                                        const kmeans_params& params,
                                        const std::vector<std::uint64_t>& seeds) {
  check_inputs(res, x, params);
  EM_EXPECTS(!seeds.empty(), "kmeans_batch: seeds is empty; give one seed per run");
  if (res.is_cuda()) {
#ifdef EMBED_METRICS_HAS_CUDA
    return gpu::kmeans_batch(res, x, params, seeds);
#endif
  }
  return cpu::kmeans_batch(x, params, seeds, res.threads());
}

kmeans_result kmeans(const resources& res, matrix_view x, const kmeans_params& params) {
  EM_EXPECTS(params.n_init >= 1, "kmeans: n_init is ", params.n_init, "; it must be at least 1");
  std::vector<std::uint64_t> seeds;
  for (int r = 0; r < params.n_init; ++r) seeds.push_back(kmeans_run_seed(params.seed, r));
  auto runs = kmeans_batch(res, x, params, seeds);
  std::size_t best = 0;
  for (std::size_t r = 1; r < runs.size(); ++r)
    if (runs[r].inertia < runs[best].inertia) best = r;
  return std::move(runs[best]);
}

std::vector<std::int64_t> kmeans_predict(const resources& res, matrix_view x, matrix_view centers,
                                         kmeans_metric metric) {
  detail::check_matrix(x, "x");
  detail::check_matrix(centers, "centers");
  EM_EXPECTS(centers.rows >= 1, "kmeans_predict: centers has no rows; give at least one centre");
  EM_EXPECTS(x.cols == centers.cols, "kmeans_predict: x has ", x.cols, " columns, centers ",
             centers.cols, "; both need the same dimension");
  detail::check_finite(x, "x");
  detail::check_finite(centers, "centers");
  if (x.rows == 0) return {};
  if (res.is_cuda()) {
#ifdef EMBED_METRICS_HAS_CUDA
    return gpu::kmeans_predict(res, x, centers, metric);
#endif
  }
  detail::check_host(x, "x", res);
  detail::check_host(centers, "centers", res);
  return cpu::kmeans_predict(x, centers, metric, res.threads());
}

}  // namespace embed_metrics
