// The entropy of the Gaussian with the sample covariance of the rows.

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
  return detail::gaussian_entropy_from_eigenvalues(detail::covariance_eigenvalues(res, x), params);
}

}  // namespace embed_metrics
