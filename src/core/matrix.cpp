#include "embed_metrics/matrix.hpp"

#include <utility>

#include "core/check.hpp"

namespace embed_metrics {

host_matrix host_matrix::uninitialized(std::int64_t rows, std::int64_t cols) {
  EM_EXPECTS(rows >= 0 && cols >= 0, "host_matrix: negative shape ", rows, "x", cols);
  host_matrix m;
  m.data_.resize(static_cast<std::size_t>(rows * cols));  // default-initialised: not zeroed
  m.rows_ = rows;
  m.cols_ = cols;
  return m;
}

host_matrix::host_matrix(const std::vector<float>& values, std::int64_t rows, std::int64_t cols)
    : host_matrix(float_storage(values.begin(), values.end()), rows, cols) {}

void host_matrix::keep_first_rows(std::int64_t rows) {
  EM_EXPECTS(rows >= 0 && rows <= rows_, "host_matrix: cannot keep ", rows, " of ", rows_, " rows");
  data_.resize(static_cast<std::size_t>(rows * cols_));
  rows_ = rows;
}

host_matrix::host_matrix(float_storage values, std::int64_t rows, std::int64_t cols)
    : data_(std::move(values)), rows_(rows), cols_(cols) {
  EM_EXPECTS(rows >= 0 && cols >= 0, "host_matrix: negative shape ", rows, "x", cols);
  EM_EXPECTS(static_cast<std::int64_t>(data_.size()) == rows * cols, "host_matrix: ", data_.size(),
             " values given for a ", rows, "x", cols, " matrix (expected ", rows * cols, ")");
}

}  // namespace embed_metrics
