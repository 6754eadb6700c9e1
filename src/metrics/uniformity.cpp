// Uniformity and alignment (Wang & Isola 2020): the checks and the final
// normalisation here, the pair sums on the backend.

#include "embed_metrics/uniformity.hpp"

#include <cmath>

#include "backend/backend.hpp"
#include "core/check.hpp"
#include "core/validate.hpp"

namespace embed_metrics {

uniformity_result uniformity(const resources& res, matrix_view x, const uniformity_params& params) {
  detail::check_matrix(x, "x");
  EM_EXPECTS(x.rows >= 2 && x.cols >= 1, "uniformity: x is ", x.rows, "x", x.cols,
             "; it needs at least 2 rows and 1 column (a pair)");
  EM_EXPECTS(std::isfinite(params.t) && params.t > 0.0, "uniformity: t = ", params.t,
             "; the temperature must be positive (the paper uses 2)");
  const double sum = detail::backend_for(res).sphere->gaussian_potential_sum(res, x, params.t);
  uniformity_result r;
  r.n = x.rows;
  r.d = x.cols;
  r.pairs = x.rows * (x.rows - 1) / 2;
  if (sum == 0.0)
    throw metric_undefined(detail::cat("uniformity: with t = ", params.t,
                                       " every pair's exp(-t d^2) underflows to 0; use a smaller t"));
  r.uniformity = std::log(sum / static_cast<double>(r.pairs));
  return r;
}

alignment_result alignment(const resources& res, matrix_view a, matrix_view b,
                           const alignment_params& params) {
  detail::check_matrix(a, "a");
  detail::check_matrix(b, "b");
  EM_EXPECTS(a.rows == b.rows && a.cols == b.cols, "alignment: the views are ", a.rows, "x", a.cols,
             " and ", b.rows, "x", b.cols, "; row i of both must be one image, so the shapes must match");
  EM_EXPECTS(a.rows >= 1 && a.cols >= 1, "alignment: the views are empty (", a.rows, "x", a.cols, ")");
  EM_EXPECTS(std::isfinite(params.alpha) && params.alpha > 0.0, "alignment: alpha = ", params.alpha,
             "; it must be positive (the paper uses 2)");
  alignment_result r;
  r.n = a.rows;
  r.d = a.cols;
  r.alignment = detail::backend_for(res).sphere->alignment_sum(res, a, b, params.alpha) /
                static_cast<double>(a.rows);
  return r;
}

}  // namespace embed_metrics
