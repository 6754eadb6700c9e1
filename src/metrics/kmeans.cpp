// k-means: argument checks, the rows moved into a centred, power-of-two
// scaled frame (core/row_prep.hpp), then the CUDA or the CPU backend; the
// centres and the inertia go back to the caller's units.

#include "embed_metrics/kmeans.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

#include "core/check.hpp"
#include "core/row_prep.hpp"
#include "core/validate.hpp"
#include "cpu/kmeans.hpp"
#ifdef EMBED_METRICS_HAS_CUDA
#include "backend/cuda_kmeans.hpp"
#include "backend/cuda_row_prep.hpp"
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
  EM_EXPECTS(p.metric != distance_metric::sqeuclidean,
             "kmeans: metric sqeuclidean is not a k-means geometry; use euclidean or cosine");
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

detail::row_geometry geometry_of(kmeans_metric m) {
  return m == kmeans_metric::cosine ? detail::row_geometry::cosine : detail::row_geometry::euclidean;
}

// Centres and inertia of runs made in @p frame, in the caller's units.
void to_caller_units(std::vector<kmeans_result>& runs, const detail::row_frame& frame) {
  for (auto& r : runs) {
    r.centers = detail::restore_rows(r.centers, frame);
    r.inertia = std::ldexp(r.inertia, 2 * frame.exponent);
  }
}

#ifdef EMBED_METRICS_HAS_CUDA
// The CUDA backend normalises cosine rows itself; euclidean rows are
// prepared on the device (cuda/row_prep.cu).
std::vector<kmeans_result> kmeans_batch_cuda(const resources& res, matrix_view x,
                                             const kmeans_params& params,
                                             const std::vector<std::uint64_t>& seeds) {
  if (params.metric == kmeans_metric::cosine) return gpu::kmeans_batch(res, x, params, seeds);
  const bool given = params.init == kmeans_init::given;
  const auto frame = gpu::fit_row_frame(res, x, given ? params.initial_centers : matrix_view{});
  if (!frame) return gpu::kmeans_batch(res, x, params, seeds);  // non-finite: the backend says where
  const gpu::prepared_device_rows px(res, x, *frame);
  kmeans_params p = params;
  std::optional<gpu::prepared_device_rows> pinit;
  if (given) {
    pinit.emplace(res, params.initial_centers, *frame);
    p.initial_centers = pinit->view();
  }
  auto runs = gpu::kmeans_batch(res, px.view(), p, seeds);
  to_caller_units(runs, *frame);
  return runs;
}
#endif

}  // namespace

std::vector<kmeans_result> kmeans_batch(const resources& res, matrix_view x,
                                        const kmeans_params& params,
                                        const std::vector<std::uint64_t>& seeds) {
  check_inputs(res, x, params);
  EM_EXPECTS(!seeds.empty(), "kmeans_batch: seeds is empty; give one seed per run");
  if (res.is_cuda()) {
#ifdef EMBED_METRICS_HAS_CUDA
    return kmeans_batch_cuda(res, x, params, seeds);
#endif
  }
  const bool given = params.init == kmeans_init::given;
  const detail::row_frame frame =
      detail::fit_row_frame(x, geometry_of(params.metric), detail::zero_row_policy::reject,
                            res.threads(), {given ? params.initial_centers : matrix_view{}});
  const host_matrix px = detail::prepare_rows(x, frame, "x", res.threads());
  kmeans_params p = params;
  host_matrix pinit;
  if (given) {
    pinit = detail::prepare_rows(params.initial_centers, frame, "initial_centers", res.threads());
    p.initial_centers = pinit.view();
  }
  auto runs = cpu::kmeans_batch(px.view(), p, seeds, res.threads());
  to_caller_units(runs, frame);
  return runs;
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
    if (metric == kmeans_metric::euclidean) {
      if (const auto frame = gpu::fit_row_frame(res, x, centers)) {
        const gpu::prepared_device_rows px(res, x, *frame);
        const gpu::prepared_device_rows pc(res, centers, *frame);
        return gpu::kmeans_predict(res, px.view(), pc.view(), metric);
      }
    }
    return gpu::kmeans_predict(res, x, centers, metric);
#endif
  }
  detail::check_host(x, "x", res);
  detail::check_host(centers, "centers", res);
  // One frame for both, so that the distances between them keep their order.
  const detail::row_frame frame = detail::fit_row_frame(
      x, geometry_of(metric), detail::zero_row_policy::reject, res.threads(), {centers});
  const host_matrix px = detail::prepare_rows(x, frame, "x", res.threads());
  const host_matrix pc = detail::prepare_rows(centers, frame, "centers", res.threads());
  return cpu::kmeans_predict(px.view(), pc.view(), metric, res.threads());
}

}  // namespace embed_metrics
