#pragma once
// Gram matrix and column sums of a float32 matrix, accumulated in double over
// blocks of rows: the second moments behind the Gaussian entropy (covariance)
// and the effective rank (singular values).

#include <vector>

#include "embed_metrics/matrix.hpp"

namespace embed_metrics::cpu {

/// g (d x d) = sum_i (x_i - s)(x_i - s)^T and colsum (d) = sum_i (x_i - s),
/// where s is row 0 of @p x when @p shift_by_first_row, else 0. Rows are
/// converted to double in blocks and multiplied with dgemm.
void gram(matrix_view x, bool shift_by_first_row, std::vector<double>& g,
          std::vector<double>& colsum, int threads);

}  // namespace embed_metrics::cpu
