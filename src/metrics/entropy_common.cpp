#include "metrics/entropy_common.hpp"

#include "backend/backend.hpp"
#include "cpu/lapack.hpp"

namespace embed_metrics::detail {

std::vector<double> covariance_from_gram(const std::vector<double>& g, const std::vector<double>& s,
                                         std::int64_t n, std::int64_t d) {
  const double nd = static_cast<double>(n);
  std::vector<double> cov(static_cast<std::size_t>(d * d));
  for (std::int64_t i = 0; i < d; ++i)
    for (std::int64_t j = 0; j < d; ++j) {
      const auto ij = static_cast<std::size_t>(i * d + j);
      cov[ij] = (g[ij] - s[static_cast<std::size_t>(i)] * s[static_cast<std::size_t>(j)] / nd) /
                (nd - 1.0);
    }
  return cov;
}

std::vector<double> covariance_eigenvalues(const resources& res, matrix_view x) {
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  const entropy_ops& moments = *backend_for(res).entropy;
  if (n < d) {
    std::vector<double> k;
    moments.row_gram(res, x, /*centre=*/true, k);
    for (double& v : k) v /= static_cast<double>(n) - 1.0;
    std::vector<double> lambda = cpu::symmetric_eigenvalues(k, n);
    lambda.resize(static_cast<std::size_t>(d), 0.0);
    return lambda;
  }
  std::vector<double> g;
  std::vector<double> s;
  moments.gram(res, x, /*shift_by_first_row=*/true, g, s);
  std::vector<double> cov = covariance_from_gram(g, s, n, d);
  return cpu::symmetric_eigenvalues(cov, d);
}

}  // namespace embed_metrics::detail
