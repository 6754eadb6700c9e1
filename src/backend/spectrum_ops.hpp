#pragma once
// The second-moment primitives of the spectrum metrics
// (src/metrics/spectrum_metrics.cpp): one pass over the rows each, results
// in double on the host, where the small eigen-problems are solved.

#include <cstdint>
#include <vector>

#include "embed_metrics/matrix.hpp"

namespace embed_metrics {
class resources;
}

namespace embed_metrics::detail {

/// Scatter of rows around their group means.
struct group_scatter {
  std::int64_t groups = 0;
  std::vector<std::int64_t> counts;  // groups
  std::vector<double> means;         // groups x d, row-major
  std::vector<double> within;        // d x d: sum_i (x_i - mu_g(i))(x_i - mu_g(i))^T
};

class spectrum_ops {
 public:
  virtual ~spectrum_ops() = default;
  /// The centred second moments of @p x (n >= 2): for n >= d the d x d
  /// sum_i (x_i - m)(x_i - m)^T, for n < d the n x n Gram matrix of the
  /// centred rows (the same non-zero eigenvalues); m x m row-major with
  /// m = min(n, d).
  [[nodiscard]] virtual std::vector<double> centred_second_moments(const resources& res,
                                                                   matrix_view x) const = 0;
  /// Group sizes, means and the within-group scatter of @p x under
  /// @p dense group ids (host, 0 .. groups - 1, every value present).
  [[nodiscard]] virtual group_scatter scatter(const resources& res, matrix_view x,
                                              const std::vector<std::int64_t>& dense,
                                              std::int64_t groups) const = 0;
};

}  // namespace embed_metrics::detail
