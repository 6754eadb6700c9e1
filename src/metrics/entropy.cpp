#include "embed_metrics/entropy.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include "core/check.hpp"
#include "core/validate.hpp"
#include "cpu/gram.hpp"
#include "cpu/histogram.hpp"
#include "cpu/lapack.hpp"
#include "embed_metrics/knn.hpp"
#ifdef EMBED_METRICS_HAS_CUDA
#include "backend/cuda_backend.hpp"
#include "backend/cuda_entropy.hpp"
#endif

namespace embed_metrics {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kLn2 = 0.69314718055994530942;

double in_unit(double nats, entropy_unit unit) { return unit == entropy_unit::bits ? nats / kLn2 : nats; }

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

// Second moments on whichever backend the resources name.
void gram(const resources& res, matrix_view x, bool shift, std::vector<double>& g,
          std::vector<double>& colsum) {
  if (x.space == memory_space::host) detail::check_finite(x, "x");
  if (res.is_cuda()) {
#ifdef EMBED_METRICS_HAS_CUDA
    gpu::gram(res, x, shift, g, colsum);
    gpu::trim_memory(res);
    return;
#endif
  }
  detail::check_host(x, "x", res);
  cpu::gram(x, shift, g, colsum, res.threads());
}

// k (n x n) = Y Y^T of the rows (centred when asked) on whichever backend.
void row_gram(const resources& res, matrix_view x, bool centre, std::vector<double>& k) {
  if (x.space == memory_space::host) detail::check_finite(x, "x");
  if (res.is_cuda()) {
#ifdef EMBED_METRICS_HAS_CUDA
    gpu::row_gram(res, x, centre, k);
    return;
#endif
  }
  detail::check_host(x, "x", res);
  cpu::row_gram(x, centre, k, res.threads());
}

// The d eigenvalues of the sample covariance (ddof = 1), in any order. For
// n < d they are those of the n x n Gram matrix of the centred rows over
// n - 1, and d - n zeros.
std::vector<double> covariance_eigenvalues(const resources& res, matrix_view x) {
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  const double nd = static_cast<double>(n);
  if (n < d) {
    std::vector<double> k;
    row_gram(res, x, /*centre=*/true, k);
    for (double& v : k) v /= nd - 1.0;
    std::vector<double> lambda = cpu::symmetric_eigenvalues(k, n);
    lambda.resize(static_cast<std::size_t>(d), 0.0);
    return lambda;
  }
  std::vector<double> g;
  std::vector<double> s;
  gram(res, x, /*shift=*/true, g, s);
  // Sigma = (G - s s^T / n) / (n - 1), G and s of the shifted rows.
  std::vector<double> cov(static_cast<std::size_t>(d * d));
  for (std::int64_t i = 0; i < d; ++i)
    for (std::int64_t j = 0; j < d; ++j) {
      const auto ij = static_cast<std::size_t>(i * d + j);
      cov[ij] = (g[ij] - s[static_cast<std::size_t>(i)] * s[static_cast<std::size_t>(j)] / nd) / (nd - 1.0);
    }
  return cpu::symmetric_eigenvalues(cov, d);
}

}  // namespace

knn_entropy_result knn_entropy(const resources& res, matrix_view x, const knn_entropy_params& params) {
  detail::check_matrix(x, "x");
  EM_EXPECTS(x.cols > 0, "knn_entropy: x has no columns");
  EM_EXPECTS(params.k >= 1 && params.k <= x.rows - 1, "knn_entropy: k = ", params.k,
             " needs 1 <= k <= n - 1 with n = ", x.rows, " rows");
  const knn_result nn = knn(res, x, knn_params{params.k, knn_metric::euclidean});
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  const std::int64_t k = params.k;

  knn_entropy_result r;
  r.unit = params.unit;
  r.n = n;
  r.d = d;
  r.k = k;
  double smallest_positive = std::numeric_limits<double>::infinity();
  for (std::int64_t i = 0; i < n; ++i) {
    const double e = nn.distance(i, k - 1);
    if (e > 0.0) smallest_positive = std::min(smallest_positive, e);
    else ++r.zero_distance_rows;
  }
  EM_EXPECTS(std::isfinite(smallest_positive), "knn_entropy: every row has at least k = ", k,
             " exact duplicates, so every k-th neighbour distance is 0 and the estimate does not "
             "exist; remove duplicate rows or use a larger k");
  double sum_log = 0.0;
  for (std::int64_t i = 0; i < n; ++i) {
    const double e = nn.distance(i, k - 1);
    sum_log += std::log(e > 0.0 ? e : smallest_positive);
  }
  if (r.zero_distance_rows > 0) r.zero_eps_replacement = smallest_positive;
  const double dd = static_cast<double>(d);
  const double log_vd = 0.5 * dd * std::log(kPi) - std::lgamma(0.5 * dd + 1.0);
  const double h = digamma(static_cast<double>(n)) - digamma(static_cast<double>(k)) + log_vd +
                   dd * sum_log / static_cast<double>(n);
  r.entropy = in_unit(h, params.unit);
  return r;
}

histogram_entropy_result histogram_entropy(const resources& res, matrix_view x,
                                           const histogram_params& params) {
  detail::check_matrix(x, "x");
  EM_EXPECTS(x.rows > 0 && x.cols > 0, "histogram_entropy: x is empty (", x.rows, "x", x.cols, ")");
  EM_EXPECTS(params.rule != bin_rule::fixed || params.bins >= 1, "histogram_entropy: bins = ",
             params.bins, "; it must be at least 1");
  histogram_entropy_result r;
  // O(n d) work: the histogram runs on the host; a device view is copied there.
  if (res.is_cuda() && x.space == memory_space::device) {
#ifdef EMBED_METRICS_HAS_CUDA
    gpu::check_view(res, x, "x");
    const host_matrix h = gpu::download(res, x);
    detail::check_finite(h.view(), "x");
    r = cpu::histogram_entropy(h.view(), params, resources("cpu").threads());
#endif
  } else {
    detail::check_host(x, "x", res);
    detail::check_finite(x, "x");
    r = cpu::histogram_entropy(x, params, res.is_cuda() ? resources("cpu").threads() : res.threads());
  }
  r.unit = params.unit;
  if (params.unit == entropy_unit::bits) {
    r.entropy /= kLn2;
    for (double& v : r.per_dimension) v /= kLn2;
    for (double& v : r.per_dimension_differential) v /= kLn2;
    if (r.differential_entropy) *r.differential_entropy /= kLn2;
  }
  return r;
}

gaussian_entropy_result gaussian_entropy(const resources& res, matrix_view x,
                                         const gaussian_entropy_params& params) {
  detail::check_matrix(x, "x");
  EM_EXPECTS(x.cols > 0, "gaussian_entropy: x has no columns");
  EM_EXPECTS(x.rows >= 2, "gaussian_entropy: the sample covariance needs at least 2 rows; x has ",
             x.rows);
  EM_EXPECTS(params.rel_tol > 0.0 && params.rel_tol < 1.0, "gaussian_entropy: rel_tol = ",
             params.rel_tol, "; it must lie in (0, 1)");
  const std::int64_t d = x.cols;
  std::vector<double> lambda = covariance_eigenvalues(res, x);
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
  const double h = 0.5 * (static_cast<double>(d) * std::log(2.0 * kPi * std::exp(1.0)) + log_det);
  r.entropy = in_unit(h, params.unit);
  return r;
}

effective_rank_result effective_rank(const resources& res, matrix_view x,
                                     const effective_rank_params& params) {
  detail::check_matrix(x, "x");
  EM_EXPECTS(x.rows > 0 && x.cols > 0, "effective_rank: x is empty (", x.rows, "x", x.cols, ")");
  EM_EXPECTS(params.rel_tol >= 0.0 && params.rel_tol < 1.0, "effective_rank: rel_tol = ",
             params.rel_tol, "; it must lie in [0, 1)");
  // The smaller Gram matrix: X^T X (d x d) or X X^T (n x n), same nonzero eigenvalues.
  const std::int64_t m = std::min(x.rows, x.cols);
  std::vector<double> g;
  if (x.rows < x.cols) {
    row_gram(res, x, /*centre=*/false, g);
  } else {
    std::vector<double> s;
    gram(res, x, /*shift=*/false, g, s);
  }
  std::vector<double> lambda = cpu::symmetric_eigenvalues(g, m);
  std::sort(lambda.begin(), lambda.end(), std::greater<>());
  const double threshold = params.rel_tol * std::max(lambda.front(), 0.0);
  effective_rank_result r;
  r.singular_values.resize(static_cast<std::size_t>(m));
  double total = 0.0;
  for (std::int64_t i = 0; i < m; ++i) {
    const double l = lambda[static_cast<std::size_t>(i)];
    double sv = 0.0;
    if (l > threshold) sv = std::sqrt(l);
    else ++r.zero_singular_values;
    r.singular_values[static_cast<std::size_t>(i)] = sv;
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

}  // namespace embed_metrics
