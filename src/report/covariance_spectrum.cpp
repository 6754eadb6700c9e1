#include "report/covariance_spectrum.hpp"

#include <algorithm>
#include <functional>

#include "core/check.hpp"
#include "core/validate.hpp"
#include "cpu/gram.hpp"
#include "cpu/lapack.hpp"
#ifdef EMBED_METRICS_HAS_CUDA
#include "backend/cuda_entropy.hpp"
#endif

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
#ifdef EMBED_METRICS_HAS_CUDA
  if (res.is_cuda()) {
    gpu::gram(res, x, /*shift_by_first_row=*/true, g, s);
  } else
#endif
  {
    check_host(x, "x", res);
    check_finite(x, "x");
    cpu::gram(x, /*shift_by_first_row=*/true, g, s, res.threads());
  }
  const double nd = static_cast<double>(n);
  std::vector<double> cov(static_cast<std::size_t>(d * d));
  for (std::int64_t i = 0; i < d; ++i)
    for (std::int64_t j = 0; j < d; ++j) {
      const auto ij = static_cast<std::size_t>(i * d + j);
      cov[ij] = (g[ij] - s[static_cast<std::size_t>(i)] * s[static_cast<std::size_t>(j)] / nd) /
                (nd - 1.0);
    }
  std::vector<double> lambda = cpu::symmetric_eigenvalues(cov, d);
  std::sort(lambda.begin(), lambda.end(), std::greater<>());
  lambda.resize(static_cast<std::size_t>(std::min(n - 1, d)));
  for (double& v : lambda) v = std::max(v, 0.0);
  return lambda;
}

}  // namespace embed_metrics::detail
