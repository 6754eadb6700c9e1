// CUDA kNN search (cuda/knn.cu): cosine rows are normalised by the search
// itself; euclidean rows are searched in the frame of core/row_prep.hpp and
// the distances scaled back to the caller's units.

#include <cmath>

#include "backend/cuda_knn.hpp"
#include "cuda/cuda_ops.hpp"

namespace embed_metrics::gpu {
namespace {

class knn_search final : public detail::knn_ops {
 public:
  std::int64_t max_k() const noexcept override { return kMaxKnnK; }

  knn_result search(const resources& res, matrix_view x, std::int64_t k,
                    knn_metric metric) const override {
    if (metric == knn_metric::cosine) return gpu::knn(res, x, k, metric);
    const detail::prepared_rows px = row_prep_operations().prepare(
        res, x, detail::row_geometry::euclidean, detail::zero_row_policy::keep, "x");
    knn_result r = gpu::knn(res, px.view, k, metric);
    for (float& v : r.distances)
      v = static_cast<float>(std::ldexp(static_cast<double>(v), px.frame.exponent));
    return r;
  }
};

}  // namespace

const detail::knn_ops& knn_operations() {
  static const knn_search ops;
  return ops;
}

}  // namespace embed_metrics::gpu
