// CUDA silhouette passes (cuda/silhouette*.cu), which gather the points into
// the CPU backend's frame themselves (cuda/silhouette_prep.cuh).

#include "backend/cuda_silhouette.hpp"
#include "cuda/cuda_ops.hpp"

namespace embed_metrics::gpu {
namespace {

class silhouette final : public detail::silhouette_ops {
 public:
  void sums(const resources& res, matrix_view x, const detail::silhouette_plan& plan,
            silhouette_metric metric, std::vector<double>& own_sum,
            std::vector<double>& b) const override {
    silhouette_sums(res, x, plan, metric, own_sum, b);
  }
  void centroid_distances(const resources& res, matrix_view x, const detail::silhouette_plan& plan,
                          silhouette_metric metric, std::vector<double>& a,
                          std::vector<double>& b) const override {
    silhouette_centroid_distances(res, x, plan, metric, a, b);
  }
};

}  // namespace

const detail::silhouette_ops& silhouette_operations() {
  static const silhouette ops;
  return ops;
}

}  // namespace embed_metrics::gpu
