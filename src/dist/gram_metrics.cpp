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

// The upper triangle of Y^T Y and the column sums of Y = X - shift, over all
// ranks; shift is the first global row (as the single-process covariance
// does, to keep the cancellation small) or zero.
void global_moments(const resources& res, communicator& comm, matrix_view x, bool shift_by_first,
                    std::vector<double>& g, std::vector<double>& s, std::int64_t& n) {
  const std::int64_t d = x.cols;
  const auto layout = row_layout::of(comm, x.rows);
  n = layout.total;
  std::vector<double> shift(static_cast<std::size_t>(d), 0.0);
  if (shift_by_first) {
    const int owner = layout.owner(0);
    if (comm.rank() == owner)
      for (std::int64_t j = 0; j < d; ++j) shift[static_cast<std::size_t>(j)] = x.row(0)[j];
    comm.all_reduce_sum(shift.data(), shift.size());  // the others add zeros: exact
  }
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
      std::size_t e = 0;
      for (std::int64_t a = 0; a < d; ++a) {
        my1.add(static_cast<std::size_t>(a), y[static_cast<std::size_t>(a)]);
        for (std::int64_t b = a; b < d; ++b, ++e)
          my2.add(e, y[static_cast<std::size_t>(a)] * y[static_cast<std::size_t>(b)]);
      }
    }
#pragma omp critical
    {
      sum2.merge(my2);
      sum1.merge(my1);
    }
  }
  sum2.all_reduce(comm);
  sum1.all_reduce(comm);
  g.assign(static_cast<std::size_t>(d * d), 0.0);
  s.resize(static_cast<std::size_t>(d));
  std::size_t e = 0;
  for (std::int64_t a = 0; a < d; ++a) {
    s[static_cast<std::size_t>(a)] = sum1.value(static_cast<std::size_t>(a));
    for (std::int64_t b = a; b < d; ++b, ++e) {
      const double v = sum2.value(e);
      g[static_cast<std::size_t>(a * d + b)] = v;
      g[static_cast<std::size_t>(b * d + a)] = v;
    }
  }
}

}  // namespace embed_metrics::detail

namespace embed_metrics::distributed {
namespace {

void check_rows(const resources& res, matrix_view x, std::int64_t n, const char* what) {
  EM_EXPECTS(n >= x.cols, "distributed ", what, ": ", n, " rows over all ranks but ", x.cols,
             " dimensions; below d rows the single-process function (the n x n Gram) is the way");
  (void)res;
}

}  // namespace

gaussian_entropy_result gaussian_entropy(const resources& res, matrix_view x,
                                         const gaussian_entropy_params& params) {
  detail::check_host_rows(x, "x");
  EM_EXPECTS(params.rel_tol > 0.0 && params.rel_tol < 1.0, "gaussian_entropy: rel_tol = ",
             params.rel_tol, "; it must lie in (0, 1)");
  const auto comm = detail::comm_of(res);
  const std::int64_t d = x.cols;
  std::vector<double> g;
  std::vector<double> s;
  std::int64_t n = 0;
  detail::global_moments(res, *comm, x, /*shift_by_first=*/true, g, s, n);
  EM_EXPECTS(n >= 2, "gaussian_entropy: the sample covariance needs at least 2 rows; there are ", n);
  check_rows(res, x, n, "gaussian_entropy");
  std::vector<double> cov = detail::covariance_from_gram(g, s, n, d);
  return detail::gaussian_entropy_from_eigenvalues(cpu::symmetric_eigenvalues(cov, d), params);
}

effective_rank_result effective_rank(const resources& res, matrix_view x,
                                     const effective_rank_params& params) {
  detail::check_host_rows(x, "x");
  EM_EXPECTS(params.rel_tol >= 0.0 && params.rel_tol < 1.0, "effective_rank: rel_tol = ",
             params.rel_tol, "; it must lie in [0, 1)");
  const auto comm = detail::comm_of(res);
  const std::int64_t d = x.cols;
  std::vector<double> g;
  std::vector<double> s;
  std::int64_t n = 0;
  detail::global_moments(res, *comm, x, /*shift_by_first=*/false, g, s, n);
  EM_EXPECTS(n > 0 && d > 0, "effective_rank: x is empty on every rank");
  check_rows(res, x, n, "effective_rank");
  return detail::effective_rank_from_gram_eigenvalues(cpu::symmetric_eigenvalues(g, d), params.rel_tol);
}

}  // namespace embed_metrics::distributed
