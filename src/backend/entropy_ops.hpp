#pragma once
// Second moments of the rows, for the Gaussian entropy, the effective rank
// and the covariance spectrum (the drivers: src/metrics/entropy_*.cpp and
// src/metrics/second_moments.cpp; the small eigenproblems run on the host).

#include <vector>

#include "embed_metrics/matrix.hpp"

namespace embed_metrics {
class resources;
}

namespace embed_metrics::detail {

class entropy_ops {
 public:
  virtual ~entropy_ops() = default;
  /// g (d x d) = sum_i (x_i - s)(x_i - s)^T and colsum = sum_i (x_i - s),
  /// s = row 0 of @p x when @p shift_by_first_row, else 0; in double, on the host.
  virtual void gram(const resources& res, matrix_view x, bool shift_by_first_row,
                    std::vector<double>& g, std::vector<double>& colsum) const = 0;
  /// k (n x n) = Y Y^T, Y = x minus its column means when @p centre, else x;
  /// in double, on the host.
  virtual void row_gram(const resources& res, matrix_view x, bool centre,
                        std::vector<double>& k) const = 0;
};

}  // namespace embed_metrics::detail
