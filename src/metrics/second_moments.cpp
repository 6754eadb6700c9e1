#include "metrics/second_moments.hpp"

#include <algorithm>

#include "backend/backend.hpp"
#include "core/check.hpp"
#include "cpu/lapack.hpp"
#include "metrics/entropy_common.hpp"

namespace embed_metrics::detail {
namespace {

// Centring the n x n Gram matrix on the host costs about log10 of
// trace(X X^T) / trace(centred) digits of the double sums; past two digits
// the centred matrix is computed from the rows instead.
constexpr double kMaxCancellation = 100.0;

// sum (x_i)(x_i)^T from the moments of y_i = x_i - x0: G + x0 s^T + s x0^T + n x0 x0^T.
std::vector<double> uncentred_from_shifted(const std::vector<double>& g, const std::vector<double>& s,
                                           const std::vector<double>& x0, std::int64_t n,
                                           std::int64_t d) {
  const double nd = static_cast<double>(n);
  std::vector<double> u(g.size());
  for (std::int64_t i = 0; i < d; ++i) {
    const double xi = x0[static_cast<std::size_t>(i)];
    const double si = s[static_cast<std::size_t>(i)];
    for (std::int64_t j = 0; j < d; ++j) {
      const auto ij = static_cast<std::size_t>(i * d + j);
      const double xj = x0[static_cast<std::size_t>(j)];
      u[ij] = g[ij] + xi * s[static_cast<std::size_t>(j)] + si * xj + nd * xi * xj;
    }
  }
  return u;
}

// (I - 11^T/n) K (I - 11^T/n) for the n x n Gram matrix K of the rows.
std::vector<double> double_centred(const std::vector<double>& k, std::int64_t n) {
  const double nd = static_cast<double>(n);
  std::vector<double> mean(static_cast<std::size_t>(n), 0.0);
  double total = 0.0;
  for (std::int64_t i = 0; i < n; ++i) {
    double r = 0.0;
    for (std::int64_t j = 0; j < n; ++j) r += k[static_cast<std::size_t>(i * n + j)];
    mean[static_cast<std::size_t>(i)] = r / nd;
    total += r;
  }
  const double grand = total / (nd * nd);
  std::vector<double> c(k.size());
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      const auto ij = static_cast<std::size_t>(i * n + j);
      c[ij] = k[ij] - mean[static_cast<std::size_t>(i)] - mean[static_cast<std::size_t>(j)] + grand;
    }
  return c;
}

double trace(const std::vector<double>& a, std::int64_t m) {
  double t = 0.0;
  for (std::int64_t i = 0; i < m; ++i) t += a[static_cast<std::size_t>(i * m + i)];
  return t;
}

}  // namespace

second_moments::second_moments(const resources& res, matrix_view x) : n_(x.rows), d_(x.cols) {
  EM_EXPECTS(n_ >= 2 && d_ >= 1, "second moments: x is ", n_, "x", d_,
             "; the sample covariance needs at least 2 rows and 1 column");
  const backend& be = backend_for(res);
  if (n_ >= d_) {
    std::vector<double> g;
    std::vector<double> s;
    be.entropy->gram(res, x, /*shift_by_first_row=*/true, g, s);
    const host_matrix first = be.rows->matrix_on_host(res, x.row_block(0, 1), "x");
    std::vector<double> x0(first.data(), first.data() + d_);
    uncentred_ = uncentred_from_shifted(g, s, x0, n_, d_);
    // The same arithmetic as gaussian_entropy's covariance.
    centred_ = covariance_from_gram(g, s, n_, d_);
    return;
  }
  be.entropy->row_gram(res, x, /*centre=*/false, uncentred_);
  centred_ = double_centred(uncentred_, n_);
  const double kept = trace(centred_, n_);
  if (!(kept * kMaxCancellation >= trace(uncentred_, n_))) {
    be.entropy->row_gram(res, x, /*centre=*/true, centred_);
    ++passes_;
  }
  for (double& v : centred_) v /= static_cast<double>(n_) - 1.0;
}

const std::vector<double>& second_moments::covariance_eigenvalues() {
  if (!covariance_eigenvalues_) {
    const std::int64_t m = std::min(n_, d_);
    std::vector<double> lambda = cpu::symmetric_eigenvalues(centred_, m);
    lambda.resize(static_cast<std::size_t>(d_), 0.0);
    covariance_eigenvalues_ = std::move(lambda);
    centred_ = {};
  }
  return *covariance_eigenvalues_;
}

const std::vector<double>& second_moments::gram_eigenvalues() {
  if (!gram_eigenvalues_) {
    gram_eigenvalues_ = cpu::symmetric_eigenvalues(uncentred_, std::min(n_, d_));
    uncentred_ = {};
  }
  return *gram_eigenvalues_;
}

}  // namespace embed_metrics::detail
