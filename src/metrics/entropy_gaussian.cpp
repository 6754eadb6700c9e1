// The entropy of the Gaussian with the sample covariance of the rows.

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/check.hpp"
#include "core/validate.hpp"
#include "embed_metrics/entropy.hpp"
#include "metrics/entropy_common.hpp"

namespace embed_metrics {

gaussian_entropy_result gaussian_entropy(const resources& res, matrix_view x,
                                         const gaussian_entropy_params& params) {
  detail::check_matrix(x, "x");
  EM_EXPECTS(x.cols > 0, "gaussian_entropy: x has no columns");
  EM_EXPECTS(x.rows >= 2, "gaussian_entropy: the sample covariance needs at least 2 rows; x has ",
             x.rows);
  EM_EXPECTS(params.rel_tol > 0.0 && params.rel_tol < 1.0, "gaussian_entropy: rel_tol = ",
             params.rel_tol, "; it must lie in (0, 1)");
  const std::int64_t d = x.cols;
  std::vector<double> lambda = detail::covariance_eigenvalues(res, x);
  const double lambda_max = *std::max_element(lambda.begin(), lambda.end());
  EM_EXPECTS(lambda_max > 0.0, "gaussian_entropy: every column of x is constant, so the covariance "
             "is zero and the Gaussian entropy is -infinity");
  gaussian_entropy_result r;
  r.unit = params.unit;
  r.eigenvalue_floor = params.rel_tol * lambda_max;
  double log_det = 0.0;
  for (const double l : lambda) {
    if (l <= r.eigenvalue_floor) {
      ++r.null_eigenvalues;
      log_det += std::log(r.eigenvalue_floor);
    } else {
      log_det += std::log(l);
    }
  }
  r.log_det = log_det;
  const double h = 0.5 * (static_cast<double>(d) * std::log(2.0 * detail::kPi * std::exp(1.0)) + log_det);
  r.entropy = detail::in_unit(h, params.unit);
  return r;
}

}  // namespace embed_metrics
