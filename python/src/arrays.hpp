#pragma once
// Views of the arrays Python passes in (NumPy, PyTorch, CuPy, anything with
// DLPack), read in place, and NumPy arrays made from the library's results
// without a further copy.

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>

#include <cstdint>
#include <initializer_list>
#include <utility>
#include <vector>

#include "embed_metrics/matrix.hpp"

namespace embed_metrics::python {

namespace nb = nanobind;

/// Any dtype, shape and device, read-only arrays included; checked by the functions below.
using any_array = nb::ndarray<nb::ro>;

/// An n x d float32 array whose rows are contiguous (any row stride >= d) as a view, in place.
/// Host or CUDA memory; anything else is refused with a message naming @p name.
matrix_view as_matrix(const any_array& a, const char* name);

/// A 1-D contiguous int64 array as a label view, in place.
label_view as_labels(const any_array& a, const char* name);

/// A NumPy array that owns @p values (moved, not copied), with @p shape.
template <class T, class Alloc>
nb::ndarray<nb::numpy, T> to_numpy(std::vector<T, Alloc>&& values, std::initializer_list<std::size_t> shape) {
  auto* heap = new std::vector<T, Alloc>(std::move(values));
  nb::capsule owner(heap, [](void* p) noexcept { delete static_cast<std::vector<T, Alloc>*>(p); });
  return nb::ndarray<nb::numpy, T>(heap->data(), shape, owner);
}

/// A k x d NumPy array that owns the matrix's storage.
nb::ndarray<nb::numpy, float> to_numpy(host_matrix&& m);

}  // namespace embed_metrics::python
