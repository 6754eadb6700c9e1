// The covariance-spectrum metrics (spectrum, alpha-ReQ, NESum) from one
// second-moment pass of the backend, LiDAR from the group scatter, and the
// collapse std from the backend's column std of the normalised rows. The
// eigen-problems (at most min(n, d) or d square) run on the host in double.

#include "embed_metrics/spectrum_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>

#include "backend/backend.hpp"
#include "core/check.hpp"
#include "core/validate.hpp"
#include "cpu/blas.hpp"
#include "cpu/lapack.hpp"
#include "cpu/symmetric_eigen.hpp"
#include "metrics/dense_ids.hpp"
#include "metrics/spectrum_common.hpp"

namespace embed_metrics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The covariance eigenvalues of the d x d matrix (n >= d) or of the centred
// n x n Gram matrix (n < d), in any order.
std::vector<double> covariance_eigenvalues(const resources& res, matrix_view x) {
  const std::int64_t n = x.rows;
  const std::int64_t m = std::min(n, x.cols);
  std::vector<double> g = detail::backend_for(res).spectrum->centred_second_moments(res, x);
  for (double& v : g) v /= static_cast<double>(n - 1);
  return cpu::symmetric_eigenvalues(g, m);
}

void check_params(const spectrum_metrics_params& params) {
  EM_EXPECTS(params.fit_first >= 1, "spectrum metrics: fit_first = ", params.fit_first,
             "; eigenvalue indices start at 1");
  EM_EXPECTS(params.fit_last == 0 || params.fit_last > params.fit_first, "spectrum metrics: fit_last = ",
             params.fit_last, " must be 0 (all) or above fit_first = ", params.fit_first);
  EM_EXPECTS(params.rel_floor >= 0.0 && params.rel_floor < 1.0, "spectrum metrics: rel_floor = ",
             params.rel_floor, "; it must lie in [0, 1)");
}

void fit_alpha(const std::vector<double>& lambda, const spectrum_metrics_params& p,
               spectrum_metrics_result& r) {
  const auto count = static_cast<std::int64_t>(lambda.size());
  const double floor = lambda.empty() ? 0.0 : p.rel_floor * lambda.front();
  std::int64_t above = 0;
  while (above < count && lambda[static_cast<std::size_t>(above)] > floor) ++above;
  const std::int64_t last = p.fit_last == 0 ? above : std::min(p.fit_last, above);
  r.alpha_req_first = p.fit_first;
  r.alpha_req_last = last;
  if (last - p.fit_first + 1 < 2) {
    r.alpha_req = kNaN;
    r.alpha_req_r2 = kNaN;
    r.alpha_req_undefined = detail::cat(
        "alpha-ReQ: ", std::max<std::int64_t>(0, last - p.fit_first + 1),
        " eigenvalue(s) above ", p.rel_floor, " x the largest in the fit range ", p.fit_first, " .. ",
        p.fit_last == 0 ? std::string("last") : std::to_string(p.fit_last),
        "; a power law needs at least 2");
    return;
  }
  // Least squares of log lambda_i on log i, in centred form.
  const std::int64_t m = last - p.fit_first + 1;
  double mx = 0.0, my = 0.0;
  for (std::int64_t i = p.fit_first; i <= last; ++i) {
    mx += std::log(static_cast<double>(i));
    my += std::log(lambda[static_cast<std::size_t>(i - 1)]);
  }
  mx /= static_cast<double>(m);
  my /= static_cast<double>(m);
  double sxx = 0.0, sxy = 0.0, syy = 0.0;
  for (std::int64_t i = p.fit_first; i <= last; ++i) {
    const double dx = std::log(static_cast<double>(i)) - mx;
    const double dy = std::log(lambda[static_cast<std::size_t>(i - 1)]) - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const double slope = sxy / sxx;
  r.alpha_req = -slope;
  r.alpha_req_r2 = syy > 0.0 ? (sxy * sxy) / (sxx * syy) : 1.0;
}

}  // namespace

namespace detail {

spectrum_metrics_result spectrum_metrics_from_eigenvalues(std::vector<double> lambda, std::int64_t n,
                                                          std::int64_t d,
                                                          const spectrum_metrics_params& params) {
  check_params(params);
  EM_EXPECTS(n >= 2 && d >= 1 && !lambda.empty(), "spectrum metrics: x is ", n, "x", d,
             "; the sample covariance needs at least 2 rows and 1 column");
  std::sort(lambda.begin(), lambda.end(), std::greater<>());
  lambda.resize(static_cast<std::size_t>(std::min(n - 1, d)), 0.0);
  for (double& v : lambda) v = std::max(v, 0.0);
  spectrum_metrics_result r;
  r.n = n;
  r.d = d;
  r.spectrum = std::move(lambda);
  fit_alpha(r.spectrum, params, r);
  const double top = r.spectrum.front();
  if (top > 0.0) {
    r.nesum = std::accumulate(r.spectrum.begin(), r.spectrum.end(), 0.0) / top;
  } else {
    r.nesum = kNaN;
    r.nesum_undefined = "NESum: every covariance eigenvalue is 0 (all rows are equal)";
  }
  return r;
}

}  // namespace detail

spectrum_metrics_result spectrum_metrics(const resources& res, matrix_view x,
                                         const spectrum_metrics_params& params) {
  detail::check_matrix(x, "x");
  EM_EXPECTS(x.rows >= 2 && x.cols >= 1, "spectrum metrics: x is ", x.rows, "x", x.cols,
             "; the sample covariance needs at least 2 rows and 1 column");
  check_params(params);
  return detail::spectrum_metrics_from_eigenvalues(covariance_eigenvalues(res, x), x.rows, x.cols,
                                                   params);
}

double alpha_req(const resources& res, matrix_view x, const spectrum_metrics_params& params) {
  const spectrum_metrics_result r = spectrum_metrics(res, x, params);
  if (!r.alpha_req_undefined.empty()) throw metric_undefined(r.alpha_req_undefined);
  return r.alpha_req;
}

double nesum(const resources& res, matrix_view x) {
  const spectrum_metrics_result r = spectrum_metrics(res, x);
  if (!r.nesum_undefined.empty()) throw metric_undefined(r.nesum_undefined);
  return r.nesum;
}

namespace detail {

void check_lidar_input(matrix_view x, label_view groups, const lidar_params& params) {
  check_labels(groups, "groups");
  check_same_rows(x, groups, "x", "groups");
  EM_EXPECTS(x.cols >= 1, "lidar: x has no columns");
  EM_EXPECTS(std::isfinite(params.delta) && params.delta > 0.0, "lidar: delta = ", params.delta,
             "; the ridge on the within-group scatter must be positive");
  EM_EXPECTS(std::isfinite(params.eps) && params.eps >= 0.0, "lidar: eps = ", params.eps,
             "; it must be at least 0");
}

void check_lidar_groups(std::int64_t g, std::int64_t n) {
  if (g < 2)
    throw metric_undefined(cat("lidar: the group ids have ", g,
                                       " distinct value(s); LiDAR needs at least 2 source images"));
  if (g == n)
    throw metric_undefined("lidar: every group has one row, so there is no within-group scatter; "
                           "give each source image at least 2 views");
}

lidar_result lidar_from_scatter(const resources& res, std::vector<double> within,
                                const std::vector<double>& sb, std::int64_t g, std::int64_t n,
                                std::int64_t d, const lidar_params& params) {
  // Sigma_w = W / n + delta I.
  std::vector<double> sw(std::move(within));
  for (double& v : sw) v /= static_cast<double>(n);
  for (std::int64_t i = 0; i < d; ++i) sw[static_cast<std::size_t>(i * d + i)] += params.delta;
  // Sigma_w^(-1/2) = V diag(w^(-1/2)) V^T; w >= delta > 0 up to round-off.
  const std::vector<double> w = cpu::symmetric_eigen(sw, d);  // sw now holds V, rows = eigenvectors
  // The eigenvalues of Sw^(-1/2) Sb Sw^(-1/2) are those of D V^T Sb V D with
  // D = diag(w^(-1/2)) (a similarity by V), i.e. of A Sb A^T with A = D V^T,
  // whose rows are the eigenvectors scaled by w^(-1/2); at holds A^T.
  std::vector<double> at(static_cast<std::size_t>(d * d));
  for (std::int64_t k = 0; k < d; ++k) {
    const double f = 1.0 / std::sqrt(std::max(w[static_cast<std::size_t>(k)], params.delta * 0.5));
    for (std::int64_t j = 0; j < d; ++j) at[static_cast<std::size_t>(j * d + k)] = sw[static_cast<std::size_t>(k * d + j)] * f;
  }
  std::vector<double> tmp(static_cast<std::size_t>(d * d), 0.0);
  // tmp = Sb^T A^T = Sb A^T (Sb symmetric).
  cpu::dgemm_tn(d, d, d, 1.0, sb.data(), d, at.data(), d, 0.0, tmp.data(), d, res.threads());
  std::vector<double> m(static_cast<std::size_t>(d * d), 0.0);
  // m = A tmp = (at)^T tmp.
  cpu::dgemm_tn(d, d, d, 1.0, at.data(), d, tmp.data(), d, 0.0, m.data(), d, res.threads());
  // Symmetrise against round-off before the symmetric solver.
  for (std::int64_t i = 0; i < d; ++i)
    for (std::int64_t j = i + 1; j < d; ++j) {
      const double v = 0.5 * (m[static_cast<std::size_t>(i * d + j)] + m[static_cast<std::size_t>(j * d + i)]);
      m[static_cast<std::size_t>(i * d + j)] = v;
      m[static_cast<std::size_t>(j * d + i)] = v;
    }
  std::vector<double> lambda = cpu::symmetric_eigenvalues(m, d);
  std::sort(lambda.begin(), lambda.end(), std::greater<>());
  double total = 0.0;
  for (double& v : lambda) {
    v = std::max(v, 0.0);
    total += v;
  }
  if (!(total > 0.0))
    throw metric_undefined("lidar: all group means are equal (between-group scatter 0), so the "
                           "discriminant spectrum is 0 and its effective rank does not exist");
  double h = 0.0;
  for (const double v : lambda) {
    const double p = v / total + params.eps;
    h -= p * std::log(p);
  }
  lidar_result r;
  r.lidar = std::exp(h);
  r.eigenvalues = std::move(lambda);
  r.groups = g;
  r.n = n;
  r.d = d;
  return r;
}

}  // namespace detail

lidar_result lidar(const resources& res, matrix_view x, label_view groups, const lidar_params& params) {
  detail::check_matrix(x, "x");
  detail::check_lidar_input(x, groups, params);
  const detail::dense_ids ids = detail::make_dense_ids(groups, "groups");
  const std::int64_t g = ids.count;
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  detail::check_lidar_groups(g, n);
  detail::group_scatter s = detail::backend_for(res).spectrum->scatter(res, x, ids.ids, g);
  // Sigma_b from the group means centred on their (unweighted) mean.
  std::vector<double> mu(static_cast<std::size_t>(d), 0.0);
  for (std::int64_t a = 0; a < g; ++a)
    for (std::int64_t j = 0; j < d; ++j) mu[static_cast<std::size_t>(j)] += s.means[static_cast<std::size_t>(a * d + j)];
  for (double& v : mu) v /= static_cast<double>(g);
  std::vector<double> centred(s.means);
  for (std::int64_t a = 0; a < g; ++a)
    for (std::int64_t j = 0; j < d; ++j) centred[static_cast<std::size_t>(a * d + j)] -= mu[static_cast<std::size_t>(j)];
  std::vector<double> sb(static_cast<std::size_t>(d * d), 0.0);
  cpu::dgemm_tn(d, d, g, 1.0 / static_cast<double>(g), centred.data(), d, centred.data(), d, 0.0,
                sb.data(), d, res.threads());
  return detail::lidar_from_scatter(res, std::move(s.within), sb, g, n, d, params);
}

collapse_std_result collapse_std(const resources& res, matrix_view x, const collapse_std_params& /*params*/) {
  detail::check_matrix(x, "x");
  EM_EXPECTS(x.rows >= 2 && x.cols >= 1, "collapse std: x is ", x.rows, "x", x.cols,
             "; a standard deviation needs at least 2 rows");
  const std::vector<double> sd = detail::backend_for(res).sphere->normalized_column_std(res, x);
  collapse_std_result r;
  r.collapse_std = std::accumulate(sd.begin(), sd.end(), 0.0) / static_cast<double>(x.cols);
  r.healthy = 1.0 / std::sqrt(static_cast<double>(x.cols));
  r.n = x.rows;
  r.d = x.cols;
  return r;
}

}  // namespace embed_metrics
