#include "embed_metrics/matrix.hpp"

#include <utility>

#include "core/check.hpp"

namespace embed_metrics {

host_matrix::host_matrix(std::vector<float> values, std::int64_t rows, std::int64_t cols)
    : data_(std::move(values)), rows_(rows), cols_(cols) {
  EM_EXPECTS(rows >= 0 && cols >= 0, "host_matrix: negative shape ", rows, "x", cols);
  EM_EXPECTS(static_cast<std::int64_t>(data_.size()) == rows * cols, "host_matrix: ", data_.size(),
             " values given for a ", rows, "x", cols, " matrix (expected ", rows * cols, ")");
}

}  // namespace embed_metrics
