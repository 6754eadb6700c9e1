#pragma once
// Pairwise squared distances (the driver: src/metrics/distance.cpp).

#include "embed_metrics/matrix.hpp"

namespace embed_metrics {
class resources;
}

namespace embed_metrics::detail {

class distance_ops {
 public:
  virtual ~distance_ops() = default;
  /// out (x.rows x y.rows, in out.space) = squared Euclidean distances of the
  /// rows of @p x to those of @p y, clamped at 0; @p same_rows when x and y
  /// are one view (the diagonal is then exactly 0).
  virtual void pairwise_sqeuclidean(const resources& res, matrix_view x, matrix_view y,
                                    mutable_matrix_view out, bool same_rows) const = 0;
};

}  // namespace embed_metrics::detail
