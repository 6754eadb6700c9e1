// CPU contingency table and expected mutual information (cpu/contingency.hpp).

#include "core/validate.hpp"
#include "cpu/contingency.hpp"
#include "cpu/cpu_ops.hpp"
#include "embed_metrics/resources.hpp"
#include "metrics/agreement_scores.hpp"

namespace embed_metrics::cpu {
namespace {

class agreement final : public detail::agreement_ops {
 public:
  contingency_table contingency(const resources& res, label_view a, label_view b) const override {
    detail::check_host(a, "labels a", res);
    detail::check_host(b, "labels b", res);
    return cpu::contingency(a, b, res.threads());
  }

  detail::table_and_emi contingency_and_emi(const resources& res, label_view a,
                                            label_view b) const override {
    detail::table_and_emi out{contingency(res, a, b), 0.0};
    const contingency_table& t = out.table;
    if (!detail::emi_is_zero(t))
      out.expected_mi = expected_mutual_information(t.sizes_a, t.sizes_b, t.n, res.threads());
    return out;
  }
};

}  // namespace

const detail::agreement_ops& agreement_operations() {
  static const agreement ops;
  return ops;
}

}  // namespace embed_metrics::cpu
