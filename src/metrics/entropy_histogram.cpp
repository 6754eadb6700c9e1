// The per-dimension histogram entropy: O(n d) work, on the host.

#include "backend/backend.hpp"
#include "core/check.hpp"
#include "core/validate.hpp"
#include "cpu/histogram.hpp"
#include "embed_metrics/entropy.hpp"
#include "metrics/entropy_common.hpp"

namespace embed_metrics {

histogram_entropy_result histogram_entropy(const resources& res, matrix_view x,
                                           const histogram_params& params) {
  detail::check_matrix(x, "x");
  EM_EXPECTS(x.rows > 0 && x.cols > 0, "histogram_entropy: x is empty (", x.rows, "x", x.cols, ")");
  EM_EXPECTS(params.rule != bin_rule::fixed || params.bins >= 1, "histogram_entropy: bins = ",
             params.bins, "; it must be at least 1");
  histogram_entropy_result r;
  // O(n d) work: the histogram runs on the host; a device view is copied there.
  host_matrix copy;
  if (x.space == memory_space::device) copy = detail::backend_for(res).rows->matrix_on_host(res, x, "x");
  const matrix_view h = x.space == memory_space::device ? copy.view() : x;
  detail::check_finite(h, "x");
  r = cpu::histogram_entropy(h, params, res.is_cuda() ? resources("cpu").threads() : res.threads());
  r.unit = params.unit;
  if (params.unit == entropy_unit::bits) {
    r.entropy /= detail::kLn2;
    for (double& v : r.per_dimension) v /= detail::kLn2;
    for (double& v : r.per_dimension_differential) v /= detail::kLn2;
    if (r.differential_entropy) *r.differential_entropy /= detail::kLn2;
  }
  return r;
}

}  // namespace embed_metrics
