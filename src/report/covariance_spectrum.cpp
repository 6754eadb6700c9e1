#include "report/covariance_spectrum.hpp"

#include <algorithm>
#include <functional>

#include "backend/backend.hpp"
#include "core/check.hpp"
#include "cpu/lapack.hpp"
#include "metrics/entropy_common.hpp"

namespace embed_metrics::detail {

std::vector<double> covariance_spectrum(const resources& res, matrix_view x) {
  EM_EXPECTS(x.rows >= 2 && x.cols >= 1, "covariance spectrum: x is ", x.rows, "x", x.cols,
             "; the sample covariance needs at least 2 rows and 1 column");
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  std::vector<double> g;
  std::vector<double> s;
  // Shifted by the first row: the covariance of data far from the origin
  // keeps its digits.
  backend_for(res).entropy->gram(res, x, /*shift_by_first_row=*/true, g, s);
  std::vector<double> cov = covariance_from_gram(g, s, n, d);
  std::vector<double> lambda = cpu::symmetric_eigenvalues(cov, d);
  std::sort(lambda.begin(), lambda.end(), std::greater<>());
  lambda.resize(static_cast<std::size_t>(std::min(n - 1, d)));
  for (double& v : lambda) v = std::max(v, 0.0);
  return lambda;
}

}  // namespace embed_metrics::detail
