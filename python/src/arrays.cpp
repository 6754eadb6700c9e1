#include "arrays.hpp"

#include <string>

#include "embed_metrics/error.hpp"

namespace embed_metrics::python {
namespace {

memory_space space_of(const any_array& a, const char* name) {
  if (a.device_type() == nb::device::cpu::value) return memory_space::host;
  if (a.device_type() == nb::device::cuda::value) return memory_space::device;
  throw invalid_argument(std::string(name) + ": the array lives on a device that is neither the CPU nor CUDA; "
                         "move it to one of them first");
}

}  // namespace

matrix_view as_matrix(const any_array& a, const char* name) {
  if (a.ndim() != 2)
    throw invalid_argument(std::string(name) + ": expected a 2-D array (n_samples, n_features), got " +
                           std::to_string(a.ndim()) + " dimensions");
  if (a.dtype() != nb::dtype<float>())
    throw invalid_argument(std::string(name) + ": expected float32 here (the Python layer converts other dtypes)");
  const auto rows = static_cast<std::int64_t>(a.shape(0));
  const auto cols = static_cast<std::int64_t>(a.shape(1));
  const std::int64_t col_stride = a.stride(1);
  std::int64_t row_stride = a.stride(0);
  if (cols > 1 && col_stride != 1)
    throw invalid_argument(std::string(name) + ": the columns of each row must be contiguous (row-strided layout)");
  if (rows <= 1) row_stride = cols;
  if (row_stride < cols)
    throw invalid_argument(std::string(name) + ": rows overlap or run backwards (row stride " +
                           std::to_string(row_stride) + " < " + std::to_string(cols) + " columns)");
  return {static_cast<const float*>(a.data()), rows, cols, row_stride, space_of(a, name)};
}

label_view as_labels(const any_array& a, const char* name) {
  if (a.ndim() != 1)
    throw invalid_argument(std::string(name) + ": expected a 1-D array of labels, got " + std::to_string(a.ndim()) +
                           " dimensions");
  if (a.dtype() != nb::dtype<std::int64_t>())
    throw invalid_argument(std::string(name) + ": expected int64 here (the Python layer converts other dtypes)");
  if (a.shape(0) > 1 && a.stride(0) != 1)
    throw invalid_argument(std::string(name) + ": labels must be contiguous");
  return {static_cast<const std::int64_t*>(a.data()), static_cast<std::int64_t>(a.shape(0)), space_of(a, name)};
}

nb::ndarray<nb::numpy, float> to_numpy(host_matrix&& m) {
  auto* heap = new host_matrix(std::move(m));
  nb::capsule owner(heap, [](void* p) noexcept { delete static_cast<host_matrix*>(p); });
  return nb::ndarray<nb::numpy, float>(heap->data(),
                                       {static_cast<std::size_t>(heap->rows()), static_cast<std::size_t>(heap->cols())},
                                       owner);
}

}  // namespace embed_metrics::python
