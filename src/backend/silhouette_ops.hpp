#pragma once
// The distance passes of the silhouette (the driver: src/metrics/silhouette.cpp,
// which plans the clusters and finishes the scores).

#include <vector>

#include "embed_metrics/silhouette.hpp"
#include "metrics/silhouette_plan.hpp"

namespace embed_metrics::detail {

class silhouette_ops {
 public:
  virtual ~silhouette_ops() = default;
  /// For each position p of @p plan: the sum of the distances of its point to
  /// its own cluster and b[p] (see finish_silhouette). Rows of @p x are read
  /// through plan.source_row. Deterministic for any thread count.
  virtual void sums(const resources& res, matrix_view x, const silhouette_plan& plan,
                    silhouette_metric metric, std::vector<double>& own_sum,
                    std::vector<double>& b) const = 0;
  /// For each position p: a[p], the distance to its own centroid, and b[p],
  /// to the nearest other centroid (the simplified silhouette).
  virtual void centroid_distances(const resources& res, matrix_view x, const silhouette_plan& plan,
                                  silhouette_metric metric, std::vector<double>& a,
                                  std::vector<double>& b) const = 0;
};

}  // namespace embed_metrics::detail
