// The covariance and Gram based metrics over ranks: each rank adds its rows'
// second moments into order-free sums (dist/exact_sum.hpp), one all-reduce
// of the d x d upper triangle, and every rank then finishes as one process
// would: the eigenvalues and the single-process formulas.

#include <algorithm>
#include <cmath>
#include <functional>

#include "core/check.hpp"
#include "core/validate.hpp"
#include "cpu/lapack.hpp"
#include "dist/exact_sum.hpp"
#include "dist/moments.hpp"
#include "dist/row_layout.hpp"
#include "embed_metrics/distributed.hpp"
#include "metrics/entropy_common.hpp"

namespace embed_metrics::detail {

void add_upper_outer(exact_sums& sums, const std::vector<double>& y) {
  std::size_t e = 0;
  for (std::size_t a = 0; a < y.size(); ++a)
    for (std::size_t b = a; b < y.size(); ++b, ++e) sums.add(e, y[a] * y[b]);
}

std::vector<double> symmetric_from_upper(const exact_sums& sums, std::int64_t d) {
  std::vector<double> g(static_cast<std::size_t>(d * d));
  std::size_t e = 0;
  for (std::int64_t a = 0; a < d; ++a)
    for (std::int64_t b = a; b < d; ++b, ++e) {
      g[static_cast<std::size_t>(a * d + b)] = sums.value(e);
      g[static_cast<std::size_t>(b * d + a)] = sums.value(e);
    }
  return g;
}

moments global_moments(const resources& res, communicator& comm, matrix_view x,
                       bool shift_by_first) {
  const std::int64_t d = x.cols;
  const auto layout = row_layout::of(comm, x.rows);
  const std::vector<double> shift = shift_by_first
                                        ? global_row(comm, layout, x, 0)
                                        : std::vector<double>(static_cast<std::size_t>(d), 0.0);
  double most = 0.0;
  for (std::int64_t i = 0; i < x.rows; ++i)
    for (std::int64_t j = 0; j < d; ++j)
      most = std::max(most, std::fabs(static_cast<double>(x.row(i)[j]) - shift[static_cast<std::size_t>(j)]));
  most = global_max(comm, most);
  const int q1 = exact_exponent(most);
  const int q2 = exact_exponent(most * most);
  const auto tri = static_cast<std::size_t>(d * (d + 1) / 2);
  exact_sums sum2(tri, q2);
  exact_sums sum1(static_cast<std::size_t>(d), q1);
  const int threads = res.threads();
#pragma omp parallel num_threads(threads)
  {
    exact_sums my2(tri, q2);
    exact_sums my1(static_cast<std::size_t>(d), q1);
    std::vector<double> y(static_cast<std::size_t>(d));
#pragma omp for schedule(static) nowait
    for (std::int64_t i = 0; i < x.rows; ++i) {
      for (std::int64_t j = 0; j < d; ++j)
        y[static_cast<std::size_t>(j)] = static_cast<double>(x.row(i)[j]) - shift[static_cast<std::size_t>(j)];
      for (std::int64_t a = 0; a < d; ++a)
        my1.add(static_cast<std::size_t>(a), y[static_cast<std::size_t>(a)]);
      add_upper_outer(my2, y);
    }
#pragma omp critical
    {
      sum2.merge(my2);
      sum1.merge(my1);
    }
  }
  sum2.all_reduce(comm);
  sum1.all_reduce(comm);
  moments m{symmetric_from_upper(sum2, d), {}, layout.total};
  for (std::int64_t a = 0; a < d; ++a) m.s.push_back(sum1.value(static_cast<std::size_t>(a)));
  return m;
}

}  // namespace embed_metrics::detail

namespace embed_metrics::distributed {
namespace {

void check_rows(matrix_view x, std::int64_t n, const char* what) {
  EM_EXPECTS(n >= x.cols, "distributed ", what, ": ", n, " rows over all ranks but ", x.cols,
             " dimensions; below d rows the single-process function (the n x n Gram) is the way");
}

}  // namespace

gaussian_entropy_result gaussian_entropy(const resources& res, matrix_view x,
                                         const gaussian_entropy_params& params) {
  const auto comm = detail::comm_of(res);
  detail::on_every_rank(*comm, [&] {
    detail::check_host_rows(x, "x");
    EM_EXPECTS(params.rel_tol > 0.0 && params.rel_tol < 1.0, "gaussian_entropy: rel_tol = ",
               params.rel_tol, "; it must lie in (0, 1)");
  });
  const std::int64_t d = x.cols;
  const detail::moments m = detail::global_moments(res, *comm, x, /*shift_by_first=*/true);
  EM_EXPECTS(m.n >= 2, "gaussian_entropy: the sample covariance needs at least 2 rows; there are ",
             m.n);
  check_rows(x, m.n, "gaussian_entropy");
  std::vector<double> cov = detail::covariance_from_gram(m.g, m.s, m.n, d);
  return detail::gaussian_entropy_from_eigenvalues(cpu::symmetric_eigenvalues(cov, d), params);
}

effective_rank_result effective_rank(const resources& res, matrix_view x,
                                     const effective_rank_params& params) {
  const auto comm = detail::comm_of(res);
  detail::on_every_rank(*comm, [&] {
    detail::check_host_rows(x, "x");
    EM_EXPECTS(params.rel_tol >= 0.0 && params.rel_tol < 1.0, "effective_rank: rel_tol = ",
               params.rel_tol, "; it must lie in [0, 1)");
  });
  const std::int64_t d = x.cols;
  detail::moments m = detail::global_moments(res, *comm, x, /*shift_by_first=*/false);
  EM_EXPECTS(m.n > 0 && d > 0, "effective_rank: x is empty on every rank");
  check_rows(x, m.n, "effective_rank");
  return detail::effective_rank_from_gram_eigenvalues(cpu::symmetric_eigenvalues(m.g, d),
                                                      params.rel_tol);
}

}  // namespace embed_metrics::distributed
