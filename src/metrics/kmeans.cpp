// k-means: argument checks, the rows moved into a centred, power-of-two
// scaled frame (core/row_prep.hpp), then the driver (kmeans_driver.cpp) on
// the backend of the resources; the centres and the inertia go back to the
// caller's units.

#include "embed_metrics/kmeans.hpp"

#include <cmath>
#include <cstdint>
#include <limits>

#include "backend/backend.hpp"
#include "backend/device_checks.hpp"
#include "core/check.hpp"
#include "core/row_prep.hpp"
#include "core/validate.hpp"
#include "metrics/kmeans_driver.hpp"

namespace embed_metrics {

std::uint64_t kmeans_run_seed(std::uint64_t seed, int run) noexcept {
  if (run == 0) return seed;
  // SplitMix64 of the seed advanced by run steps of the golden-ratio gamma.
  std::uint64_t z = seed + static_cast<std::uint64_t>(run) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

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

// @p x, and @p other when @p with_other, in one frame of x that covers both,
// in the memory of the resources' backend: so that the distances between
// them keep their order.
struct framed_pair {
  detail::prepared_rows x;
  detail::prepared_rows other;
};

framed_pair prepare_pair(const resources& res, matrix_view x, matrix_view other, bool with_other,
                         kmeans_metric metric, const char* other_name) {
  // The CUDA backend's 32-bit row indices, checked before its preparation reads the rows.
  if (res.is_cuda()) gpu::check_int32_rows(x.rows, "x", "kmeans");
  const detail::row_prep_ops& rows = *detail::backend_for(res).rows;
  framed_pair out;
  out.x = rows.prepare_covering(res, x, geometry_of(metric), detail::zero_row_policy::reject, "x",
                                with_other ? other : matrix_view{});
  if (with_other) out.other = rows.prepare_in(res, other, out.x.frame, other_name);
  return out;
}

}  // namespace

std::vector<kmeans_result> kmeans_batch(const resources& res, matrix_view x,
                                        const kmeans_params& params,
                                        const std::vector<std::uint64_t>& seeds) {
  check_inputs(res, x, params);
  EM_EXPECTS(!seeds.empty(), "kmeans_batch: seeds is empty; give one seed per run");
  const bool given = params.init == kmeans_init::given;
  const framed_pair px =
      prepare_pair(res, x, params.initial_centers, given, params.metric, "initial_centers");
  kmeans_params p = params;
  if (given) p.initial_centers = px.other.view;
  auto runs = detail::kmeans_lloyd(res, px.x.view, p, seeds);
  // The centres and the inertia of the runs back in the caller's units.
  for (auto& r : runs) {
    r.centers = detail::restore_rows(r.centers, px.x.frame);
    r.inertia = std::ldexp(r.inertia, 2 * px.x.frame.exponent);
  }
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
  if (!res.is_cuda()) {
    detail::check_host(x, "x", res);
    detail::check_host(centers, "centers", res);
  }
  const framed_pair p = prepare_pair(res, x, centers, true, metric, "centers");
  return detail::kmeans_nearest(res, p.x.view, p.other.view);
}

}  // namespace embed_metrics
