#pragma once
// A test-only kernel (spin_writer.cu): on a given stream, wait about
// @p delay_ms on the GPU, then copy @p count floats (or int64 labels) from
// @p src to @p dst. Work the library queues later reads correct data only if
// it is ordered after this kernel.
#include <cstddef>
#include <cstdint>

namespace em_test {

/// @p stream is a cudaStream_t (nullptr: the legacy default stream).
void delayed_copy(float* dst, const float* src, std::size_t count, double delay_ms, void* stream);
void delayed_copy(std::int64_t* dst, const std::int64_t* src, std::size_t count, double delay_ms,
                  void* stream);

}  // namespace em_test
