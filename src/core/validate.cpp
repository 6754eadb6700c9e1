#include "core/validate.hpp"

#include <cmath>

#include "core/check.hpp"

namespace embed_metrics::detail {

void check_matrix(matrix_view m, std::string_view name) {
  EM_EXPECTS(m.rows >= 0 && m.cols >= 0, name, " has a negative shape ", m.rows, "x", m.cols);
  EM_EXPECTS(m.stride == 0 || m.stride >= m.cols, name, " has row stride ", m.stride,
             " smaller than its ", m.cols, " columns");
  EM_EXPECTS(m.empty() || m.data != nullptr, name, " is ", m.rows, "x", m.cols,
             " but its data pointer is null");
}

void check_labels(label_view l, std::string_view name) {
  EM_EXPECTS(l.size >= 0, name, " has a negative size ", l.size);
  EM_EXPECTS(l.size == 0 || l.data != nullptr, name, " has ", l.size,
             " labels but its data pointer is null");
}

void check_host(matrix_view m, std::string_view name, const resources& res) {
  EM_EXPECTS(m.space == memory_space::host, name,
             " is in device memory but the resources run on ", res.device_string(),
             ": create the resources with \"cuda\" or pass a host copy");
}

void check_host(label_view l, std::string_view name, const resources& res) {
  EM_EXPECTS(l.space == memory_space::host, name,
             " is in device memory but the resources run on ", res.device_string(),
             ": create the resources with \"cuda\" or pass a host copy");
}

void check_finite(matrix_view m, std::string_view name) {
  if (m.space != memory_space::host) return;
  for (std::int64_t i = 0; i < m.rows; ++i) {
    const float* r = m.row(i);
    for (std::int64_t j = 0; j < m.cols; ++j) {
      EM_EXPECTS(std::isfinite(r[j]), name, " has a non-finite value (", r[j], ") at row ", i,
                 ", column ", j, ": remove or replace NaN/Inf rows first");
    }
  }
}

void check_same_rows(matrix_view m, label_view labels, std::string_view m_name,
                     std::string_view l_name) {
  EM_EXPECTS(labels.size == m.rows, l_name, " has ", labels.size, " rows, ", m_name, " ", m.rows,
             "; give one label per row");
}

}  // namespace embed_metrics::detail
