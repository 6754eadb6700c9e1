// CUDA second moments (cuda/entropy.cu); host views are checked finite here,
// device views by the staging of the backend.

#include "backend/cuda_backend.hpp"
#include "backend/cuda_entropy.hpp"
#include "core/validate.hpp"
#include "cuda/cuda_ops.hpp"

namespace embed_metrics::gpu {
namespace {

class moments final : public detail::entropy_ops {
 public:
  void gram(const resources& res, matrix_view x, bool shift_by_first_row, std::vector<double>& g,
            std::vector<double>& colsum) const override {
    detail::check_finite(x, "x");
    gpu::gram(res, x, shift_by_first_row, g, colsum);
    trim_memory(res);
  }
  void row_gram(const resources& res, matrix_view x, bool centre,
                std::vector<double>& k) const override {
    detail::check_finite(x, "x");
    gpu::row_gram(res, x, centre, k);
  }
};

}  // namespace

const detail::entropy_ops& entropy_operations() {
  static const moments ops;
  return ops;
}

}  // namespace embed_metrics::gpu
