// CUDA row preparation: the frame of core/row_prep.hpp fitted from the
// device (cuda/row_prep.cu), the rows moved into it or scaled to unit norm
// in device memory; host copies of device inputs.

#include <memory>

#include "backend/cuda_backend.hpp"
#include "backend/cuda_entropy.hpp"
#include "backend/cuda_row_prep.hpp"
#include "backend/cuda_silhouette.hpp"
#include "core/check.hpp"
#include "cuda/core/buffer.cuh"
#include "cuda/core/context.cuh"
#include "cuda/core/staging.cuh"
#include "cuda/cuda_ops.hpp"
#include "cuda/row_prep.cuh"

namespace embed_metrics::gpu {
namespace {

// Unit rows in packed device memory; the lowest all-zero row, if any, is
// left zero or rejected as the policy says.
detail::prepared_rows prepare_unit_rows(const resources& res, matrix_view x, detail::zero_row_policy zeros,
                                const char* name) {
  const call_scope call(res);
  auto& ctx = call.ctx();
  const device_matrix dx = on_device(x, ctx.stream, name);
  const std::size_t bytes = sizeof(float) * static_cast<std::size_t>(x.rows * x.cols);
  std::shared_ptr<void> data(device_allocate(res, bytes), [&res](void* p) { device_free(res, p); });
  device_buffer<unsigned long long> first_zero(1, ctx.stream);
  const unsigned long long none = ~0ull;
  first_zero.upload(&none, 1);
  unit_rows(dx.data, dx.ld, dx.rows, dx.cols, static_cast<float*>(data.get()), first_zero.data(),
            nullptr, ctx.stream);
  const auto zero_row = first_zero.to_host()[0];
  EM_EXPECTS(zero_row == none || zeros == detail::zero_row_policy::keep, name, " row ", zero_row,
             " is all zeros: the cosine metric needs non-zero rows (drop them or use euclidean)");
  detail::prepared_rows out;
  out.frame.geometry = detail::row_geometry::cosine;
  out.frame.zeros = zeros;
  out.view = matrix_view(static_cast<const float*>(data.get()), x.rows, x.cols, 0,
                         memory_space::device);
  out.storage = std::move(data);
  return out;
}

class row_prep final : public detail::row_prep_ops {
 public:
  detail::prepared_rows prepare(const resources& res, matrix_view x, detail::row_geometry geometry,
                                detail::zero_row_policy zeros, const char* name) const override {
    if (geometry == detail::row_geometry::cosine) return prepare_unit_rows(res, x, zeros, name);
    std::optional<detail::row_frame> frame = fit_row_frame(res, x);
    if (!frame) {
      // Not finite (device rows) or empty: the staging check names the row.
      const call_scope call(res);
      (void)on_device(x, call.ctx().stream, name);
      EM_EXPECTS(x.rows * x.cols == 0, name, " has a non-finite value: remove or replace NaN/Inf rows first");
      return {x, detail::row_frame{}, nullptr};
    }
    auto rows = std::make_shared<prepared_device_rows>(res, x, *frame);
    detail::prepared_rows out{rows->view(), std::move(*frame), nullptr};
    out.storage = std::move(rows);
    return out;
  }

  std::vector<std::int64_t> labels_on_host(const resources& res, label_view labels,
                                           const char* /*name*/) const override {
    return labels_to_host(res, labels);
  }

  host_matrix matrix_on_host(const resources& res, matrix_view x, const char* name) const override {
    check_view(res, x, name);
    return download(res, x);
  }
};

}  // namespace

const detail::row_prep_ops& row_prep_operations() {
  static const row_prep ops;
  return ops;
}

}  // namespace embed_metrics::gpu
