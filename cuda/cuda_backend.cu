// The CUDA backend's table (the families: cuda_ops.hpp).

#include "backend/label_free_dispatch.hpp"
#include "cuda/cuda_ops.hpp"
#include "backend/cuda_kmeans.hpp"

namespace embed_metrics::gpu {

const detail::backend& backend_table() {
  static const detail::backend table = [] {
    detail::backend b;
    b.name = "cuda";
    b.kmeans = &kmeans_operations();
    b.rows = &row_prep_operations();
    b.distance = &distance_operations();
    b.silhouette = &silhouette_operations();
    b.knn = &knn_operations();
    b.agreement = &agreement_operations();
    b.entropy = &entropy_operations();
    b.sphere = &detail::cuda_sphere_ops();
    b.cluster_scores = &detail::cuda_cluster_score_ops();
    b.spectrum = &detail::cuda_spectrum_ops();
    b.device = &device_family();
    return b;
  }();
  return table;
}

}  // namespace embed_metrics::gpu
