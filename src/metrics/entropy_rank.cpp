// The effective rank (RankMe) from the singular values of the rows.

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "backend/backend.hpp"
#include "core/check.hpp"
#include "core/validate.hpp"
#include "cpu/lapack.hpp"
#include "embed_metrics/entropy.hpp"

namespace embed_metrics {

effective_rank_result effective_rank(const resources& res, matrix_view x,
                                     const effective_rank_params& params) {
  detail::check_matrix(x, "x");
  EM_EXPECTS(x.rows > 0 && x.cols > 0, "effective_rank: x is empty (", x.rows, "x", x.cols, ")");
  EM_EXPECTS(params.rel_tol >= 0.0 && params.rel_tol < 1.0, "effective_rank: rel_tol = ",
             params.rel_tol, "; it must lie in [0, 1)");
  // The smaller Gram matrix: X^T X (d x d) or X X^T (n x n), same nonzero eigenvalues.
  const std::int64_t m = std::min(x.rows, x.cols);
  std::vector<double> g;
  const detail::entropy_ops& moments = *detail::backend_for(res).entropy;
  if (x.rows < x.cols) {
    moments.row_gram(res, x, /*centre=*/false, g);
  } else {
    std::vector<double> s;
    moments.gram(res, x, /*shift_by_first_row=*/false, g, s);
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
