// Pairwise squared distances. On the CPU both row sets are first moved into
// one frame (core/row_prep.hpp: centred on a common origin, scaled by a power
// of two), so the GEMM form keeps its accuracy far from the origin, and the
// result is scaled back to the caller's units (exact, a power of two).

#include "embed_metrics/distance.hpp"

#include <cmath>
#include <vector>

#include "core/check.hpp"
#include "core/row_prep.hpp"
#include "core/validate.hpp"
#include "cpu/distance_tile.hpp"
#ifdef EMBED_METRICS_HAS_CUDA
#include "backend/cuda_backend.hpp"
#endif

namespace embed_metrics {

void pairwise_sqeuclidean(const resources& res, matrix_view x, matrix_view y,
                          mutable_matrix_view out) {
  detail::check_matrix(x, "x");
  detail::check_matrix(y, "y");
  EM_EXPECTS(x.cols == y.cols, "pairwise_sqeuclidean: x has ", x.cols, " columns, y has ", y.cols,
             "; both row sets need the same dimension");
  EM_EXPECTS(out.rows == x.rows && out.cols == y.rows, "pairwise_sqeuclidean: out is ", out.rows,
             "x", out.cols, ", expected ", x.rows, "x", y.rows, " (rows of x by rows of y)");
  EM_EXPECTS(out.ld() >= out.cols, "pairwise_sqeuclidean: out stride ", out.ld(),
             " is smaller than its ", out.cols, " columns");
  const bool same_rows = x.data == y.data && x.rows == y.rows && x.ld() == y.ld();
  if (res.is_cuda()) {
#ifdef EMBED_METRICS_HAS_CUDA
    gpu::pairwise_sqeuclidean(res, x, y, out, same_rows);
    return;
#endif
  }
  detail::check_host(x, "x", res);
  detail::check_host(y, "y", res);
  EM_EXPECTS(out.space == memory_space::host,
             "pairwise_sqeuclidean: out is in device memory but the resources run on the CPU");
  if (x.rows == 0 || y.rows == 0) return;
  // One frame for both (from x, covering y), so that their differences keep.
  const detail::row_frame frame = detail::fit_row_frame(
      x, detail::row_geometry::euclidean, detail::zero_row_policy::keep, res.threads(), {y});
  const host_matrix px = detail::prepare_rows(x, frame, "x", res.threads());
  const host_matrix py = same_rows ? host_matrix() : detail::prepare_rows(y, frame, "y", res.threads());
  const matrix_view vx = px.view();
  const matrix_view vy = same_rows ? vx : py.view();
  std::vector<float> xn(static_cast<std::size_t>(x.rows));
  std::vector<float> yn(static_cast<std::size_t>(y.rows));
  cpu::row_sqnorms(vx, xn.data(), res.threads());
  cpu::row_sqnorms(vy, yn.data(), res.threads());
  cpu::sqdist_tile(vx, xn.data(), vy, yn.data(), out.data, out.ld(), res.threads(),
                   {same_rows, 0, 0});
  if (frame.exponent == 0) return;
  const int e = 2 * frame.exponent;
  for (std::int64_t i = 0; i < out.rows; ++i) {
    float* r = out.row(i);
    for (std::int64_t j = 0; j < out.cols; ++j) r[j] = std::ldexp(r[j], e);
  }
}

host_matrix pairwise_sqeuclidean(const resources& res, matrix_view x, matrix_view y) {
  host_matrix out(x.rows, y.rows);
  pairwise_sqeuclidean(res, x, y, out.mutable_view());
  return out;
}

}  // namespace embed_metrics
