// Pairwise squared distances: the arguments checked here, the distances on
// the backend (the CPU one computes them in the frame of core/row_prep.hpp).

#include "embed_metrics/distance.hpp"

#include "backend/backend.hpp"
#include "core/check.hpp"
#include "core/validate.hpp"

namespace embed_metrics {

void pairwise_sqeuclidean(const resources& res, matrix_view x, matrix_view y,
                          mutable_matrix_view out) {
  detail::check_matrix(x, "x");
  detail::check_matrix(y, "y");
  EM_EXPECTS(x.cols == y.cols, "pairwise_sqeuclidean: x has ", x.cols, " columns, y has ", y.cols,
             "; both row sets need the same dimension");
  EM_EXPECTS(out.rows == x.rows && out.cols == y.rows, "pairwise_sqeuclidean: out is ", out.rows,
             "x", out.cols, ", expected ", x.rows, "x", y.rows, " (rows of x by rows of y)");
  EM_EXPECTS(out.ld() >= out.cols, "pairwise_sqeuclidean: out stride ", out.ld(),
             " is smaller than its ", out.cols, " columns");
  const bool same_rows = x.data == y.data && x.rows == y.rows && x.ld() == y.ld();
  detail::backend_for(res).distance->pairwise_sqeuclidean(res, x, y, out, same_rows);
}

host_matrix pairwise_sqeuclidean(const resources& res, matrix_view x, matrix_view y) {
  host_matrix out(x.rows, y.rows);
  pairwise_sqeuclidean(res, x, y, out.mutable_view());
  return out;
}

}  // namespace embed_metrics
