// CPU second moments (cpu/gram.hpp), on finite host rows.

#include "core/validate.hpp"
#include "cpu/cpu_ops.hpp"
#include "cpu/gram.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::cpu {
namespace {

class moments final : public detail::entropy_ops {
 public:
  void gram(const resources& res, matrix_view x, bool shift_by_first_row, std::vector<double>& g,
            std::vector<double>& colsum) const override {
    detail::check_host(x, "x", res);
    detail::check_finite(x, "x");
    cpu::gram(x, shift_by_first_row, g, colsum, res.threads());
  }

  void row_gram(const resources& res, matrix_view x, bool centre,
                std::vector<double>& k) const override {
    detail::check_host(x, "x", res);
    detail::check_finite(x, "x");
    cpu::row_gram(x, centre, k, res.threads());
  }
};

}  // namespace

const detail::entropy_ops& entropy_operations() {
  static const moments ops;
  return ops;
}

}  // namespace embed_metrics::cpu
