#pragma once
// Up-front checks of views shared by every metric: shapes, memory space, and
// finite values. Each throws invalid_argument with a message naming the input.

#include <cstdint>
#include <string_view>

#include "core/internal_api.hpp"
#include "embed_metrics/matrix.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::detail {

/// Shape sanity: rows, cols >= 0; stride >= cols; non-null data when not empty.
void check_matrix(matrix_view m, std::string_view name);

/// Same for a label vector.
void check_labels(label_view l, std::string_view name);

/// The CPU backend needs host memory: throw, naming @p name, for device views.
void check_host(matrix_view m, std::string_view name, const resources& res);
void check_host(label_view l, std::string_view name, const resources& res);

/// Throw naming the first row holding NaN or Inf (host memory only).
EMBED_METRICS_INTERNAL_API void check_finite(matrix_view m, std::string_view name);

/// Throw when @p labels does not have one entry per row of @p m.
void check_same_rows(matrix_view m, label_view labels, std::string_view m_name,
                     std::string_view l_name);

}  // namespace embed_metrics::detail
