// CUDA pairwise distances (cuda/distance.cu).

#include "backend/cuda_backend.hpp"
#include "cuda/cuda_ops.hpp"

namespace embed_metrics::gpu {
namespace {

class distance final : public detail::distance_ops {
 public:
  void pairwise_sqeuclidean(const resources& res, matrix_view x, matrix_view y,
                            mutable_matrix_view out, bool same_rows) const override {
    gpu::pairwise_sqeuclidean(res, x, y, out, same_rows);
  }
};

}  // namespace

const detail::distance_ops& distance_operations() {
  static const distance ops;
  return ops;
}

}  // namespace embed_metrics::gpu
