#pragma once
// The rows a metric reads: moved into the frame of core/row_prep.hpp (centred
// on the median origin and scaled by a power of two, or unit rows with a
// zero-row policy) in the backend's memory, and host copies of small inputs.
// Every metric prepares its rows through this one primitive, so that both
// backends compute in the same frame. Finiteness: the drivers check host
// views on the host (detail::check_finite); the CUDA backend checks device
// views on the device as it stages them, naming the first bad row.

#include <cstdint>
#include <memory>
#include <vector>

#include "core/row_prep.hpp"
#include "embed_metrics/matrix.hpp"

namespace embed_metrics {
class resources;
}

namespace embed_metrics::detail {

/// Packed rows in a frame, in the memory of the backend that prepared them.
struct prepared_rows {
  matrix_view view;                     ///< host (CPU) or device (CUDA) memory
  row_frame frame;                      ///< caller units = view * 2^exponent + offset
  std::shared_ptr<const void> storage;  ///< owns what view points to
};

class row_prep_ops {
 public:
  virtual ~row_prep_ops() = default;
  /// A packed copy of @p x (finite) in its frame of @p geometry; an all-zero
  /// row under cosine is kept zero or rejected (invalid_argument naming
  /// @p name and the row) as @p zeros says.
  [[nodiscard]] virtual prepared_rows prepare(const resources& res, matrix_view x,
                                              row_geometry geometry, zero_row_policy zeros,
                                              const char* name) const = 0;
  /// A host copy of @p labels (host or, on CUDA, device memory).
  [[nodiscard]] virtual std::vector<std::int64_t> labels_on_host(const resources& res,
                                                                 label_view labels,
                                                                 const char* name) const = 0;
  /// A packed host copy of @p x (host or, on CUDA, device memory).
  [[nodiscard]] virtual host_matrix matrix_on_host(const resources& res, matrix_view x,
                                                   const char* name) const = 0;
};

}  // namespace embed_metrics::detail
