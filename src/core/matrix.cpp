#include "embed_metrics/matrix.hpp"

#include <utility>

#include "core/check.hpp"
#include "core/memory.hpp"

namespace embed_metrics {

host_matrix host_matrix::uninitialized(std::int64_t rows, std::int64_t cols) {
  EM_EXPECTS(rows >= 0 && cols >= 0, "host_matrix: negative shape ", rows, "x", cols);
  host_matrix m;
  const std::uint64_t count = detail::bytes_for(static_cast<std::uint64_t>(rows), static_cast<std::uint64_t>(cols));
  // A count beyond max_size() throws length_error, which becomes out_of_memory too.
  detail::allocating(detail::bytes_for(count, sizeof(float)),
                     detail::cat("a ", rows, "x", cols, " float32 matrix"),
                     [&] { m.data_.resize(static_cast<std::size_t>(count)); });  // not zeroed
  m.ptr_ = m.data_.data();
  m.rows_ = rows;
  m.cols_ = cols;
  return m;
}

host_matrix::host_matrix(const std::vector<float>& values, std::int64_t rows, std::int64_t cols)
    : host_matrix(float_storage(values.begin(), values.end()), rows, cols) {}

host_matrix host_matrix::adopt(float* data, std::int64_t rows, std::int64_t cols,
                               std::shared_ptr<void> owner) {
  EM_EXPECTS(rows >= 0 && cols >= 0, "host_matrix: negative shape ", rows, "x", cols);
  EM_EXPECTS(data != nullptr || rows * cols == 0, "host_matrix::adopt: null data");
  host_matrix m;
  m.ptr_ = data;
  m.owner_ = std::move(owner);
  m.rows_ = rows;
  m.cols_ = cols;
  return m;
}

host_matrix::host_matrix(const host_matrix& other)
    : data_(other.ptr_, other.ptr_ + other.rows_ * other.cols_),
      ptr_(data_.data()),
      rows_(other.rows_),
      cols_(other.cols_) {}

host_matrix& host_matrix::operator=(const host_matrix& other) {
  if (this != &other) *this = host_matrix(other);
  return *this;
}

host_matrix::host_matrix(host_matrix&& other) noexcept
    : data_(std::move(other.data_)),
      ptr_(std::exchange(other.ptr_, nullptr)),
      owner_(std::move(other.owner_)),
      rows_(std::exchange(other.rows_, 0)),
      cols_(std::exchange(other.cols_, 0)) {}

host_matrix& host_matrix::operator=(host_matrix&& other) noexcept {
  if (this != &other) {
    data_ = std::move(other.data_);
    ptr_ = std::exchange(other.ptr_, nullptr);
    owner_ = std::move(other.owner_);
    rows_ = std::exchange(other.rows_, 0);
    cols_ = std::exchange(other.cols_, 0);
  }
  return *this;
}

void host_matrix::keep_first_rows(std::int64_t rows) {
  EM_EXPECTS(rows >= 0 && rows <= rows_, "host_matrix: cannot keep ", rows, " of ", rows_, " rows");
  if (!owner_) {
    data_.resize(static_cast<std::size_t>(rows * cols_));
    ptr_ = data_.data();
  }
  rows_ = rows;
}

host_matrix::host_matrix(float_storage values, std::int64_t rows, std::int64_t cols)
    : data_(std::move(values)), ptr_(data_.data()), rows_(rows), cols_(cols) {
  EM_EXPECTS(rows >= 0 && cols >= 0, "host_matrix: negative shape ", rows, "x", cols);
  EM_EXPECTS(static_cast<std::int64_t>(data_.size()) == rows * cols, "host_matrix: ", data_.size(),
             " values given for a ", rows, "x", cols, " matrix (expected ", rows * cols, ")");
}

}  // namespace embed_metrics
