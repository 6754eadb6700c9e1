// The effective rank (RankMe) from the singular values of the rows.

#include <algorithm>
#include <vector>

#include "backend/backend.hpp"
#include "core/check.hpp"
#include "core/validate.hpp"
#include "cpu/lapack.hpp"
#include "embed_metrics/entropy.hpp"
#include "metrics/entropy_common.hpp"

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
  return detail::effective_rank_from_gram_eigenvalues(cpu::symmetric_eigenvalues(g, m), params.rel_tol);
}

}  // namespace embed_metrics
