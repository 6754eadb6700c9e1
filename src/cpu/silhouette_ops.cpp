// CPU silhouette passes: the points are gathered into the frame of the rows
// scored (core/row_prep.hpp; a sample's rows alone).

#include "core/row_prep.hpp"
#include "core/validate.hpp"
#include "cpu/cpu_ops.hpp"
#include "cpu/silhouette_exact.hpp"
#include "cpu/silhouette_simplified.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::cpu {
namespace {

detail::row_frame frame_of(const resources& res, matrix_view x, const detail::silhouette_plan& plan,
                           silhouette_metric metric) {
  return detail::fit_row_frame(
      x, metric == silhouette_metric::cosine ? detail::row_geometry::cosine
                                             : detail::row_geometry::euclidean,
      detail::zero_row_policy::keep, res.threads(), {},
      plan.n == x.rows ? nullptr : &plan.source_row);
}

class silhouette final : public detail::silhouette_ops {
 public:
  void sums(const resources& res, matrix_view x, const detail::silhouette_plan& plan,
            silhouette_metric metric, std::vector<double>& own_sum,
            std::vector<double>& b) const override {
    detail::check_host(x, "embeddings", res);
    silhouette_sums(x, plan, metric, frame_of(res, x, plan, metric), res.threads(), own_sum, b);
  }

  void centroid_distances(const resources& res, matrix_view x, const detail::silhouette_plan& plan,
                          silhouette_metric metric, std::vector<double>& a,
                          std::vector<double>& b) const override {
    detail::check_host(x, "embeddings", res);
    silhouette_centroid_distances(x, plan, metric, frame_of(res, x, plan, metric), res.threads(), a,
                                  b);
  }
};

}  // namespace

const detail::silhouette_ops& silhouette_operations() {
  static const silhouette ops;
  return ops;
}

}  // namespace embed_metrics::cpu
