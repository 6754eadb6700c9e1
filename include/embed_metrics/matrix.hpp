#pragma once
/// @file matrix.hpp
/// @brief Non-owning views of row-major float32 matrices and int64 label
/// vectors in host or device memory, and an owning host matrix.

#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "embed_metrics/export.hpp"

namespace embed_metrics {

/// @brief Where a view's memory lives.
enum class memory_space {
  host,    ///< ordinary CPU memory
  device,  ///< CUDA device memory (a pointer from cudaMalloc or a framework's allocator)
};

/// @brief A read-only view of a row-major float32 matrix.
struct matrix_view {
  const float* data = nullptr;            ///< first element of row 0
  std::int64_t rows = 0;                  ///< number of rows (points)
  std::int64_t cols = 0;                  ///< number of columns (dimensions)
  std::int64_t stride = 0;                ///< elements from one row to the next; 0 means cols
  memory_space space = memory_space::host;  ///< where data lives

  matrix_view() = default;
  /// @brief View @p rows x @p cols floats at @p data, rows @p stride elements apart.
  matrix_view(const float* data_, std::int64_t rows_, std::int64_t cols_, std::int64_t stride_ = 0,
              memory_space space_ = memory_space::host) noexcept
      : data(data_), rows(rows_), cols(cols_), stride(stride_), space(space_) {}

  /// @brief Elements from one row to the next (the leading dimension).
  [[nodiscard]] std::int64_t ld() const noexcept { return stride != 0 ? stride : cols; }
  /// @brief Pointer to row @p i.
  [[nodiscard]] const float* row(std::int64_t i) const noexcept { return data + i * ld(); }
  /// @brief True when the view has no elements.
  [[nodiscard]] bool empty() const noexcept { return rows == 0 || cols == 0; }
  /// @brief Rows @p first .. @p first + @p count - 1 as a view.
  [[nodiscard]] matrix_view row_block(std::int64_t first, std::int64_t count) const noexcept {
    return {row(first), count, cols, ld(), space};
  }
};

/// @brief A writable view of a row-major float32 matrix.
struct mutable_matrix_view {
  float* data = nullptr;                  ///< first element of row 0
  std::int64_t rows = 0;                  ///< number of rows
  std::int64_t cols = 0;                  ///< number of columns
  std::int64_t stride = 0;                ///< elements from one row to the next; 0 means cols
  memory_space space = memory_space::host;  ///< where data lives

  mutable_matrix_view() = default;
  /// @brief View @p rows x @p cols floats at @p data, rows @p stride elements apart.
  mutable_matrix_view(float* data_, std::int64_t rows_, std::int64_t cols_, std::int64_t stride_ = 0,
                      memory_space space_ = memory_space::host) noexcept
      : data(data_), rows(rows_), cols(cols_), stride(stride_), space(space_) {}

  /// @brief Elements from one row to the next (the leading dimension).
  [[nodiscard]] std::int64_t ld() const noexcept { return stride != 0 ? stride : cols; }
  /// @brief Pointer to row @p i.
  [[nodiscard]] float* row(std::int64_t i) const noexcept { return data + i * ld(); }
  /// @brief The same memory, read-only.
  [[nodiscard]] matrix_view as_const() const noexcept { return {data, rows, cols, stride, space}; }
};

/// @brief A read-only view of n int64 labels (any values; they are remapped internally).
struct label_view {
  const std::int64_t* data = nullptr;      ///< first label
  std::int64_t size = 0;                   ///< number of labels
  memory_space space = memory_space::host;  ///< where data lives

  label_view() = default;
  /// @brief View @p size labels at @p data.
  label_view(const std::int64_t* data_, std::int64_t size_,
             memory_space space_ = memory_space::host) noexcept
      : data(data_), size(size_), space(space_) {}
  /// @brief View the labels held by a vector (host memory).
  label_view(const std::vector<std::int64_t>& v) noexcept  // NOLINT(google-explicit-constructor)
      : data(v.data()), size(static_cast<std::int64_t>(v.size())) {}
};

namespace detail {
/// @brief An allocator whose value-initialisation leaves elements uninitialised,
/// so that a large buffer about to be overwritten is not zero-filled first.
template <class T>
struct default_init_allocator : std::allocator<T> {
  /// @brief The same allocator for another type.
  template <class U>
  struct rebind {
    using other = default_init_allocator<U>;  ///< rebound type
  };
  default_init_allocator() = default;
  /// @brief Converting constructor (stateless).
  template <class U>
  default_init_allocator(const default_init_allocator<U>& /*unused*/) noexcept {}  // NOLINT
  /// @brief Default-initialise (leave uninitialised for trivial types).
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  /// @brief Construct from arguments.
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
}  // namespace detail

/// @brief Storage of a host_matrix: a vector of floats that a resize does not zero-fill.
using float_storage = std::vector<float, detail::default_init_allocator<float>>;

/// @brief An owning, contiguous, row-major float32 matrix in host memory. Its
/// storage is its own, or (for a file loaded without conversion) a private,
/// copy-on-write memory mapping kept alive by the matrix.
class EMBED_METRICS_API host_matrix {
 public:
  host_matrix() = default;
  /// @brief A @p rows x @p cols matrix filled with zeros.
  host_matrix(std::int64_t rows, std::int64_t cols)
      : data_(static_cast<std::size_t>(rows * cols), 0.0f), ptr_(data_.data()), rows_(rows), cols_(cols) {}
  /// @brief A @p rows x @p cols matrix whose values are left uninitialised (to be written at once).
  [[nodiscard]] static host_matrix uninitialized(std::int64_t rows, std::int64_t cols);
  /// @brief A matrix over @p rows * @p cols floats at @p data that @p owner keeps alive
  /// (for example a memory mapping); writes go to that memory.
  [[nodiscard]] static host_matrix adopt(float* data, std::int64_t rows, std::int64_t cols,
                                         std::shared_ptr<void> owner);
  /// @brief A matrix holding a copy of @p values, which must hold @p rows * @p cols floats.
  host_matrix(const std::vector<float>& values, std::int64_t rows, std::int64_t cols);
  /// @brief Take ownership of @p values, which must hold @p rows * @p cols floats.
  host_matrix(float_storage values, std::int64_t rows, std::int64_t cols);
  /// @brief A deep copy (an adopted matrix's copy owns its storage).
  host_matrix(const host_matrix& other);
  /// @brief A deep copy.
  host_matrix& operator=(const host_matrix& other);
  /// @brief Moves the storage; @p other is left empty.
  host_matrix(host_matrix&& other) noexcept;
  /// @brief Moves the storage; @p other is left empty.
  host_matrix& operator=(host_matrix&& other) noexcept;
  ~host_matrix() = default;
  /// @brief Keep the first @p rows rows (at most rows()) and drop the rest.
  void keep_first_rows(std::int64_t rows);

  [[nodiscard]] std::int64_t rows() const noexcept { return rows_; }  ///< number of rows
  [[nodiscard]] std::int64_t cols() const noexcept { return cols_; }  ///< number of columns
  [[nodiscard]] float* data() noexcept { return ptr_; }               ///< first element
  [[nodiscard]] const float* data() const noexcept { return ptr_; }   ///< first element
  /// @brief Element (i, j).
  [[nodiscard]] float& operator()(std::int64_t i, std::int64_t j) noexcept {
    return ptr_[static_cast<std::size_t>(i * cols_ + j)];
  }
  /// @brief Element (i, j).
  [[nodiscard]] float operator()(std::int64_t i, std::int64_t j) const noexcept {
    return ptr_[static_cast<std::size_t>(i * cols_ + j)];
  }
  /// @brief Read-only view of the whole matrix.
  [[nodiscard]] matrix_view view() const noexcept { return {ptr_, rows_, cols_}; }
  /// @brief Writable view of the whole matrix.
  [[nodiscard]] mutable_matrix_view mutable_view() noexcept { return {ptr_, rows_, cols_}; }
  /// @brief A copy of the values, row-major.
  [[nodiscard]] std::vector<float> values() const {
    return std::vector<float>(ptr_, ptr_ + rows_ * cols_);
  }

 private:
  float_storage data_;            // own storage (empty when adopted)
  float* ptr_ = nullptr;          // first element: data_.data() or adopted memory
  std::shared_ptr<void> owner_;   // keeps adopted memory alive
  std::int64_t rows_ = 0;
  std::int64_t cols_ = 0;
};

}  // namespace embed_metrics
