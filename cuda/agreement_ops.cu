// CUDA contingency table and expected mutual information (cuda/agreement.cu).

#include "backend/cuda_agreement.hpp"
#include "cuda/cuda_ops.hpp"

namespace embed_metrics::gpu {
namespace {

class agreement final : public detail::agreement_ops {
 public:
  contingency_table contingency(const resources& res, label_view a, label_view b) const override {
    return gpu::contingency(res, a, b);
  }
  detail::table_and_emi contingency_and_emi(const resources& res, label_view a,
                                            label_view b) const override {
    return gpu::contingency_and_emi(res, a, b);
  }
};

}  // namespace

const detail::agreement_ops& agreement_operations() {
  static const agreement ops;
  return ops;
}

}  // namespace embed_metrics::gpu
