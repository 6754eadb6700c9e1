#pragma once
// The primitives of the k-means driver (src/metrics/kmeans*.cpp), supplied by
// each backend with the same signatures.

namespace embed_metrics::detail {

class kmeans_ops {
 public:
  virtual ~kmeans_ops() = default;
};

}  // namespace embed_metrics::detail
