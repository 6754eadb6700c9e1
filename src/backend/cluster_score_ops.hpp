#pragma once
// The primitives of the Davies-Bouldin and Calinski-Harabasz driver
// (src/metrics/cluster_scores.cpp), supplied by each backend.

#include <cstdint>
#include <vector>

#include "embed_metrics/matrix.hpp"

namespace embed_metrics {
class resources;
}

namespace embed_metrics::detail {

/// Per cluster: size, centroid, and the sums of the Euclidean and squared
/// Euclidean distances of its points to its centroid, all in double.
struct cluster_moments {
  std::int64_t k = 0;
  std::vector<std::int64_t> counts;   // k
  std::vector<double> centroids;      // k x d, row-major
  std::vector<double> distance_sum;   // k
  std::vector<double> sqdistance_sum; // k
};

class cluster_score_ops {
 public:
  virtual ~cluster_score_ops() = default;
  /// The moments of @p x under @p dense labels (host, values 0 .. k - 1,
  /// every value present), in an order that does not depend on the threads.
  [[nodiscard]] virtual cluster_moments moments(const resources& res, matrix_view x,
                                                const std::vector<std::int64_t>& dense,
                                                std::int64_t k) const = 0;
};

}  // namespace embed_metrics::detail
