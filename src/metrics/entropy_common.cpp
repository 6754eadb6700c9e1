#include "metrics/entropy_common.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include "core/check.hpp"

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

namespace {

// Digamma for x > 0: the recurrence psi(x) = psi(x + 1) - 1/x up to x >= 6,
// then the asymptotic series (error below 1e-15 there).
double digamma(double x) {
  double r = 0.0;
  while (x < 6.0) {
    r -= 1.0 / x;
    x += 1.0;
  }
  const double f = 1.0 / (x * x);
  const double series =
      f * (-1.0 / 12 + f * (1.0 / 120 + f * (-1.0 / 252 + f * (1.0 / 240 + f * (-1.0 / 132)))));
  return r + std::log(x) - 0.5 / x + series;
}

}  // namespace

double kozachenko_leonenko_nats(std::int64_t n, std::int64_t k, std::int64_t d, double sum_log) {
  const double dd = static_cast<double>(d);
  const double log_vd = 0.5 * dd * std::log(kPi) - std::lgamma(0.5 * dd + 1.0);
  return digamma(static_cast<double>(n)) - digamma(static_cast<double>(k)) + log_vd +
         dd * sum_log / static_cast<double>(n);
}

gaussian_entropy_result gaussian_entropy_from_eigenvalues(const std::vector<double>& lambda,
                                                          const gaussian_entropy_params& params) {
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
  const double d = static_cast<double>(lambda.size());
  r.entropy = in_unit(0.5 * (d * std::log(2.0 * kPi * std::exp(1.0)) + log_det), params.unit);
  return r;
}

effective_rank_result effective_rank_from_gram_eigenvalues(std::vector<double> lambda,
                                                           double rel_tol) {
  std::sort(lambda.begin(), lambda.end(), std::greater<>());
  const double threshold = rel_tol * std::max(lambda.front(), 0.0);
  effective_rank_result r;
  r.singular_values.resize(lambda.size());
  double total = 0.0;
  for (std::size_t i = 0; i < lambda.size(); ++i) {
    double sv = 0.0;
    if (lambda[i] > threshold) sv = std::sqrt(lambda[i]);
    else ++r.zero_singular_values;
    r.singular_values[i] = sv;
    total += sv;
  }
  EM_EXPECTS(total > 0.0, "effective_rank: x is all zeros; its singular values are all 0");
  double h = 0.0;
  for (const double sv : r.singular_values) {
    const double p = sv / total + 1e-7;
    h -= p * std::log(p);
  }
  r.effective_rank = std::exp(h);
  return r;
}

}  // namespace embed_metrics::detail
