// The CUDA backend's table (the families: cuda_ops.hpp).

#include "cuda/cuda_ops.hpp"

namespace embed_metrics::gpu {

const detail::backend& backend_table() {
  static const detail::backend table = [] {
    detail::backend b;
    b.name = "cuda";
    b.rows = &row_prep_operations();
    b.distance = &distance_operations();
    b.silhouette = &silhouette_operations();
    b.knn = &knn_operations();
    b.agreement = &agreement_operations();
    b.entropy = &entropy_operations();
    return b;
  }();
  return table;
}

}  // namespace embed_metrics::gpu
