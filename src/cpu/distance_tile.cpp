#include "cpu/distance_tile.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/check.hpp"
#include "core/row_prep.hpp"
#include "core/validate.hpp"
#include "cpu/blas.hpp"
#include "cpu/cpu_ops.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::cpu {

void row_sqnorms(matrix_view x, float* out, int threads) {
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::int64_t i = 0; i < x.rows; ++i) {
    const float* r = x.row(i);
    double s = 0.0;
    for (std::int64_t j = 0; j < x.cols; ++j) s += static_cast<double>(r[j]) * r[j];
    out[i] = static_cast<float>(s);
  }
}

void sqdist_tile(matrix_view x, const float* x_norms, matrix_view y, const float* y_norms,
                 float* out, std::int64_t ldo, int threads, bool same_rows) {
  const std::int64_t m = x.rows;
  const std::int64_t n = y.rows;
  sgemm_nt(m, n, x.cols, -2.0f, x.data, x.ld(), y.data, y.ld(), 0.0f, out, ldo, threads);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::int64_t i = 0; i < m; ++i) {
    float* r = out + i * ldo;
    const float xi = x_norms[i];
    for (std::int64_t j = 0; j < n; ++j) r[j] = std::max(r[j] + xi + y_norms[j], 0.0f);
    if (same_rows && i < n) r[i] = 0.0f;
  }
}

// CPU pairwise distances: both row sets are first moved into one frame
// (core/row_prep.hpp: centred on a common origin, scaled by a power of two),
// so the GEMM form keeps its accuracy far from the origin, and the result is
// scaled back to the caller's units (exact, a power of two).
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
    sqdist_tile(vx, xn.data(), vy, yn.data(), out.data, out.ld(), res.threads(), same_rows);
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
