// CUDA silhouette passes (cuda/silhouette*.cu). The backend centres (or
// normalises) the points it gathers; what it lacks is the scale. A
// power-of-two scale changes no result unless squares would leave float32's
// range, so the scaled copy is made only then.

#include <cstdlib>
#include <optional>

#include "backend/cuda_row_prep.hpp"
#include "backend/cuda_silhouette.hpp"
#include "cuda/cuda_ops.hpp"

namespace embed_metrics::gpu {
namespace {

struct scaled_points {
  std::optional<prepared_device_rows> copy;
  matrix_view view;
  scaled_points(const resources& res, matrix_view x, silhouette_metric metric) : view(x) {
    if (metric == silhouette_metric::cosine) return;
    constexpr int kSafeExponent = 16;
    const auto frame = fit_row_frame(res, x);
    if (!frame || std::abs(frame->exponent) <= kSafeExponent) return;
    copy.emplace(res, x, *frame);
    view = copy->view();
  }
};

class silhouette final : public detail::silhouette_ops {
 public:
  void sums(const resources& res, matrix_view x, const detail::silhouette_plan& plan,
            silhouette_metric metric, std::vector<double>& own_sum,
            std::vector<double>& b) const override {
    const scaled_points points(res, x, metric);
    silhouette_sums(res, points.view, plan, metric, own_sum, b);
  }
  void centroid_distances(const resources& res, matrix_view x, const detail::silhouette_plan& plan,
                          silhouette_metric metric, std::vector<double>& a,
                          std::vector<double>& b) const override {
    const scaled_points points(res, x, metric);
    silhouette_centroid_distances(res, points.view, plan, metric, a, b);
  }
};

}  // namespace

const detail::silhouette_ops& silhouette_operations() {
  static const silhouette ops;
  return ops;
}

}  // namespace embed_metrics::gpu
