#pragma once
// Exact kNN search (the driver: src/metrics/knn.cpp, which checks the
// arguments and the range of the distances).

#include <cstdint>

#include "embed_metrics/knn.hpp"

namespace embed_metrics::detail {

class knn_ops {
 public:
  virtual ~knn_ops() = default;
  /// Largest k the backend supports.
  [[nodiscard]] virtual std::int64_t max_k() const noexcept = 0;
  /// The @p k nearest other rows of each row of @p x (finite, 1 <= k < rows),
  /// distances in the caller's units; result on the host.
  [[nodiscard]] virtual knn_result search(const resources& res, matrix_view x, std::int64_t k,
                                          knn_metric metric) const = 0;
};

}  // namespace embed_metrics::detail
