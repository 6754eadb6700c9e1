#pragma once
// Test helpers for CUDA tests: device copies of host data (optionally with a
// row stride larger than the row), freed at scope exit.
#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "embed_metrics/matrix.hpp"

namespace em_test {

/// cudaMemcpy from pageable memory and cudaMemset may return before the
/// device has the data: wait, so that work on any stream (a non-blocking
/// one included) sees it.
inline void ready() { EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess); }

/// A device copy of a host matrix, rows @p stride floats apart (0: packed).
class device_rows {
 public:
  explicit device_rows(const embed_metrics::host_matrix& m, std::int64_t stride = 0)
      : rows_(m.rows()), cols_(m.cols()), ld_(stride > 0 ? stride : m.cols()) {
    const auto bytes = sizeof(float) * static_cast<std::size_t>(rows_ * ld_ + 1);
    EXPECT_EQ(cudaMalloc(reinterpret_cast<void**>(&ptr_), bytes), cudaSuccess);
    // Padding holds NaN: a kernel that reads past a row's columns would show.
    std::vector<float> staged(static_cast<std::size_t>(rows_ * ld_ + 1), std::numeric_limits<float>::quiet_NaN());
    for (std::int64_t i = 0; i < rows_; ++i)
      for (std::int64_t j = 0; j < cols_; ++j) staged[static_cast<std::size_t>(i * ld_ + j)] = m(i, j);
    EXPECT_EQ(cudaMemcpy(ptr_, staged.data(), bytes, cudaMemcpyHostToDevice), cudaSuccess);
    ready();
  }
  /// Uninitialised (zeroed) device rows of the given shape.
  device_rows(std::int64_t rows, std::int64_t cols) : rows_(rows), cols_(cols), ld_(cols) {
    const auto bytes = sizeof(float) * static_cast<std::size_t>(rows_ * ld_ + 1);
    EXPECT_EQ(cudaMalloc(reinterpret_cast<void**>(&ptr_), bytes), cudaSuccess);
    EXPECT_EQ(cudaMemset(ptr_, 0, bytes), cudaSuccess);
    ready();
  }
  ~device_rows() { cudaFree(ptr_); }
  device_rows(const device_rows&) = delete;
  device_rows& operator=(const device_rows&) = delete;

  [[nodiscard]] float* data() const { return ptr_; }
  [[nodiscard]] embed_metrics::matrix_view view() const {
    return {ptr_, rows_, cols_, ld_ == cols_ ? 0 : ld_, embed_metrics::memory_space::device};
  }
  [[nodiscard]] embed_metrics::mutable_matrix_view mutable_view() const {
    return {ptr_, rows_, cols_, ld_ == cols_ ? 0 : ld_, embed_metrics::memory_space::device};
  }

 private:
  float* ptr_ = nullptr;
  std::int64_t rows_, cols_, ld_;
};

/// A device copy of int64 labels.
class device_labels {
 public:
  explicit device_labels(const std::vector<std::int64_t>& l) : size_(static_cast<std::int64_t>(l.size())) {
    EXPECT_EQ(cudaMalloc(reinterpret_cast<void**>(&ptr_), sizeof(std::int64_t) * (l.size() + 1)), cudaSuccess);
    EXPECT_EQ(cudaMemcpy(ptr_, l.data(), sizeof(std::int64_t) * l.size(), cudaMemcpyHostToDevice), cudaSuccess);
    ready();
  }
  ~device_labels() { cudaFree(ptr_); }
  device_labels(const device_labels&) = delete;
  device_labels& operator=(const device_labels&) = delete;
  [[nodiscard]] std::int64_t* data() const { return ptr_; }
  [[nodiscard]] embed_metrics::label_view view() const {
    return {ptr_, size_, embed_metrics::memory_space::device};
  }

 private:
  std::int64_t* ptr_ = nullptr;
  std::int64_t size_;
};

}  // namespace em_test
