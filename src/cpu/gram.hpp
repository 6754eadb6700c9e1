#pragma once
// Second moments of a float32 matrix, accumulated in double: the d x d Gram
// matrix of the columns (covariance, singular values when n >= d) and the
// n x n Gram matrix of the rows (the same nonzero eigenvalues, for n < d:
// a short wide matrix never needs d x d memory or an O(d^3) eigensolver).

#include <vector>

#include "embed_metrics/matrix.hpp"

namespace embed_metrics::cpu {

/// Column means of the rows of @p x, each row scaled by row_scale[i] (all 1
/// when null), and in @p sq the sums of squared deviations from them: two
/// passes as numpy, over fixed blocks of rows, each block summed in row
/// order and the blocks in block order, so the same bits for any @p threads.
void column_moments(matrix_view x, const double* row_scale, int threads, std::vector<double>& mean,
                    std::vector<double>& sq);

/// g (d x d) = sum_i (x_i - s)(x_i - s)^T and colsum (d) = sum_i (x_i - s),
/// where s is row 0 of @p x when @p shift_by_first_row, else 0. Rows are
/// converted to double in blocks and multiplied with dgemm.
void gram(matrix_view x, bool shift_by_first_row, std::vector<double>& g,
          std::vector<double>& colsum, int threads);

/// k (n x n) = Y Y^T with Y = x - 1 m^T, m the column means of @p x (in
/// double) when @p centre, else Y = x. Columns are converted to double in
/// blocks: O(n^2 + n * block) memory.
void row_gram(matrix_view x, bool centre, std::vector<double>& k, int threads);

}  // namespace embed_metrics::cpu
