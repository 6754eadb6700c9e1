// CPU pairwise distances: both row sets are first moved into one frame
// (core/row_prep.hpp: centred on a common origin, scaled by a power of two),
// so the GEMM form keeps its accuracy far from the origin, and the result is
// scaled back to the caller's units (exact, a power of two).

#include <cmath>
#include <vector>

#include "core/check.hpp"
#include "core/row_prep.hpp"
#include "core/validate.hpp"
#include "cpu/cpu_ops.hpp"
#include "cpu/distance_tile.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::cpu {
namespace {

class distance final : public detail::distance_ops {
 public:
  void pairwise_sqeuclidean(const resources& res, matrix_view x, matrix_view y,
                            mutable_matrix_view out, bool same_rows) const override {
    detail::check_host(x, "x", res);
    detail::check_host(y, "y", res);
    EM_EXPECTS(out.space == memory_space::host,
               "pairwise_sqeuclidean: out is in device memory but the resources run on the CPU");
    if (x.rows == 0 || y.rows == 0) return;
    // One frame for both (from x, covering y), so that their differences keep.
    const detail::row_frame frame = detail::fit_row_frame(
        x, detail::row_geometry::euclidean, detail::zero_row_policy::keep, res.threads(), {y});
    const host_matrix px = detail::prepare_rows(x, frame, "x", res.threads());
    const host_matrix py =
        same_rows ? host_matrix() : detail::prepare_rows(y, frame, "y", res.threads());
    const matrix_view vx = px.view();
    const matrix_view vy = same_rows ? vx : py.view();
    std::vector<float> xn(static_cast<std::size_t>(x.rows));
    std::vector<float> yn(static_cast<std::size_t>(y.rows));
    row_sqnorms(vx, xn.data(), res.threads());
    row_sqnorms(vy, yn.data(), res.threads());
    sqdist_tile(vx, xn.data(), vy, yn.data(), out.data, out.ld(), res.threads(), {same_rows, 0, 0});
    if (frame.exponent == 0) return;
    const int e = 2 * frame.exponent;
    for (std::int64_t i = 0; i < out.rows; ++i) {
      float* r = out.row(i);
      for (std::int64_t j = 0; j < out.cols; ++j) r[j] = std::ldexp(r[j], e);
    }
  }
};

}  // namespace

const detail::distance_ops& distance_operations() {
  static const distance ops;
  return ops;
}

}  // namespace embed_metrics::cpu
