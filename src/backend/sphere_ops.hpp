#pragma once
// The primitives of the metrics of L2-normalised rows (src/metrics/uniformity.cpp
// and the collapse std of src/metrics/spectrum_metrics.cpp), supplied by each
// backend with the same signatures. Rows are normalised inside (norms in
// double); a zero row is an invalid_argument naming it.

#include <vector>

#include "embed_metrics/matrix.hpp"

namespace embed_metrics {
class resources;
}

namespace embed_metrics::detail {

class sphere_ops {
 public:
  virtual ~sphere_ops() = default;
  /// sum over pairs i < j of exp(-t ||z_i - z_j||^2), z_i = x_i / ||x_i||,
  /// exact over all pairs in one tiled pass (n >= 2, t > 0, finite x).
  [[nodiscard]] virtual double gaussian_potential_sum(const resources& res, matrix_view x,
                                                      double t) const = 0;
  /// sum over rows of ||a_i / ||a_i|| - b_i / ||b_i|| ||^alpha (same shapes).
  [[nodiscard]] virtual double alignment_sum(const resources& res, matrix_view a, matrix_view b,
                                             double alpha) const = 0;
  /// Per column, the sample standard deviation (ddof = 1) of z = x / ||x|| (n >= 2).
  [[nodiscard]] virtual std::vector<double> normalized_column_std(const resources& res,
                                                                  matrix_view x) const = 0;
};

}  // namespace embed_metrics::detail
