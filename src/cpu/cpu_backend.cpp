// The CPU backend's table (the families: cpu_ops.hpp).

#include "backend/label_free_dispatch.hpp"
#include "cpu/cpu_ops.hpp"

namespace embed_metrics::cpu {

const detail::backend& backend_table() {
  static const detail::backend table = [] {
    detail::backend b;
    b.name = "cpu";
    b.kmeans = &kmeans_operations();
    b.rows = &row_prep_operations();
    b.distance = &distance_operations();
    b.silhouette = &silhouette_operations();
    b.knn = &knn_operations();
    b.agreement = &agreement_operations();
    b.entropy = &entropy_operations();
    b.sphere = &detail::cpu_sphere_ops();
    b.cluster_scores = &detail::cpu_cluster_score_ops();
    b.spectrum = &detail::cpu_spectrum_ops();
    return b;
  }();
  return table;
}

}  // namespace embed_metrics::cpu
