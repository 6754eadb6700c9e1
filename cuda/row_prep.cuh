#pragma once
// The device side of the cosine row preparation (core/row_prep.hpp), shared
// by every CUDA metric that needs unit rows.

#include <cuda_runtime.h>

#include <cstdint>

namespace embed_metrics::gpu {

/// out (n x d, packed; may be @p x itself when ldx == d) = rows of x scaled
/// to unit L2 norm, the norm summed in double in a fixed order (one warp per
/// row), zero rows left zero. With @p first_zero, the lowest index of a zero
/// row is min-ed into it; with @p ones, ones[i] = 1 (the squared norm of a
/// unit row, for the distance tiles).
void unit_rows(const float* x, std::int64_t ldx, std::int64_t n, std::int64_t d, float* out,
               unsigned long long* first_zero, float* ones, cudaStream_t stream);

/// unit_rows(x, ldx, n, d, out, ...), returning the lowest index of an
/// all-zero row (~0ull when there is none); synchronises the stream.
unsigned long long unit_rows_first_zero(const float* x, std::int64_t ldx, std::int64_t n,
                                        std::int64_t d, float* out, cudaStream_t stream);

}  // namespace embed_metrics::gpu
