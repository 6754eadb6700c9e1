#pragma once
// Inputs on the device: a host view is copied (packed) into a new buffer, a
// device view is used in place with no copy, after checking that its pointer
// is device memory of this device and (matrices) that its values are finite.

#include <cuda_runtime.h>

#include <cstdint>
#include <string_view>

#include "cuda/core/buffer.cuh"
#include "embed_metrics/matrix.hpp"

namespace embed_metrics::gpu {

// The checks of the views a CUDA entry point receives, before any kernel
// reads them (cuda/core/device_checks.cu): the pointer is where the view says
// (cudaPointerGetAttributes), and device data is finite (a kernel; host data
// is checked by the dispatch).

/// Throw invalid_argument, naming @p name, when @p p (declared in @p space)
/// cannot be used by kernels on the current device: a host pointer given as
/// a device view, device memory of another device, or device memory given as
/// a host view.
void check_pointer(const void* p, memory_space space, std::string_view name);

/// Throw invalid_argument naming @p name and the first row of the n x d
/// device matrix @p x (leading dimension ld) holding NaN or Inf.
void check_finite_device(const float* x, std::int64_t ld, std::int64_t n, std::int64_t d,
                         std::string_view name, cudaStream_t stream);

/// A row-major float matrix in device memory, owned or borrowed.
struct device_matrix {
  const float* data = nullptr;
  std::int64_t rows = 0, cols = 0, ld = 0;
  device_buffer<float> owned;
};

inline device_matrix on_device(matrix_view m, cudaStream_t stream,
                               std::string_view name = "the embeddings") {
  device_matrix d;
  d.rows = m.rows;
  d.cols = m.cols;
  check_pointer(m.data, m.space, name);
  if (m.space == memory_space::device) {
    d.data = m.data;
    d.ld = m.ld();
    check_finite_device(d.data, d.ld, d.rows, d.cols, name, stream);
    return d;
  }
  d.owned = device_buffer<float>(static_cast<std::size_t>(m.rows * m.cols), stream,
                                 "the device copy of a host input");
  d.ld = m.cols;
  if (m.rows * m.cols > 0)
    EM_CUDA_TRY(cudaMemcpy2DAsync(d.owned.data(), m.cols * sizeof(float), m.data,
                                  m.ld() * sizeof(float), m.cols * sizeof(float), m.rows,
                                  cudaMemcpyHostToDevice, stream));
  d.data = d.owned.data();
  return d;
}

/// An int64 label vector in device memory, owned or borrowed.
struct device_labels {
  const std::int64_t* data = nullptr;
  std::int64_t size = 0;
  device_buffer<std::int64_t> owned;
};

inline device_labels on_device(label_view l, cudaStream_t stream,
                               std::string_view name = "the labels") {
  device_labels d;
  d.size = l.size;
  check_pointer(l.data, l.space, name);
  if (l.space == memory_space::device) {
    d.data = l.data;
    return d;
  }
  d.owned = device_buffer<std::int64_t>(static_cast<std::size_t>(l.size), stream,
                                        "the device copy of host labels");
  d.owned.upload(l.data, static_cast<std::size_t>(l.size));
  d.data = d.owned.data();
  return d;
}

}  // namespace embed_metrics::gpu
