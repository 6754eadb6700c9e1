#pragma once
// Row preparation on the device (cuda/row_prep.cu), in plain C++: the
// euclidean frame of core/row_prep.hpp (an origin per column, a power-of-two
// scale) and a packed device copy of rows in it, behind the CUDA backend's
// row_prep_ops and its silhouette staging. The drivers in src/metrics reach
// it only through row_prep_ops.

#include <cstdint>
#include <optional>

#include "core/row_prep.hpp"
#include "embed_metrics/matrix.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::gpu {

/// The euclidean frame of @p x (host or device view), with the deviations of
/// @p also_cover (same columns; may be empty) included in the scale, as
/// detail::fit_row_frame. std::nullopt when a value is not finite, so that
/// the backend's own check reports the row.
[[nodiscard]] std::optional<detail::row_frame> fit_row_frame(const resources& res, matrix_view x,
                                                             matrix_view also_cover = {});

/// A packed device copy of @p x (host or device view) in @p frame,
/// (x - offset) * 2^-exponent, released with the object.
class prepared_device_rows {
 public:
  prepared_device_rows(const resources& res, matrix_view x, const detail::row_frame& frame);
  ~prepared_device_rows();
  prepared_device_rows(const prepared_device_rows&) = delete;
  prepared_device_rows& operator=(const prepared_device_rows&) = delete;
  prepared_device_rows(prepared_device_rows&&) = delete;
  prepared_device_rows& operator=(prepared_device_rows&&) = delete;

  /// The prepared rows, a device view.
  [[nodiscard]] matrix_view view() const noexcept {
    return {data_, rows_, cols_, 0, memory_space::device};
  }

 private:
  const resources* res_;
  float* data_ = nullptr;
  std::int64_t rows_ = 0;
  std::int64_t cols_ = 0;
};

}  // namespace embed_metrics::gpu
