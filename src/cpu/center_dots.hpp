#pragma once
// The distances of a tile of rows to a few centres, without a GEMM. With
// few centres (a Lloyd pass: k, or k times the runs of a batch) the BLAS
// spends more time packing the rows than multiplying: a register-blocked
// loop that reads each row once from L1 and all the centres from L1 runs at
// the FMA rate instead.

#include <cstdint>

namespace embed_metrics::cpu {

/// Most centres for which center_dots takes the direct path; above it a
/// GEMM's packing is paid back.
constexpr std::int64_t kDirectCenterDotsMax = 64;

/// Whether center_dots computes m centres of d columns on this CPU.
bool center_dots_direct(std::int64_t m, std::int64_t d);

/// t (rows x m, leading dimension m) = -2 x c^T for the rows of @p x
/// (leading dimension ldx) and the m centres of @p c (leading dimension
/// ldc), each entry a dot product over d in an order fixed by d alone.
/// Returns false, writing nothing, where the CPU has neither AVX-512F nor
/// AVX2 with FMA or m exceeds kDirectCenterDotsMax: the caller then uses
/// its GEMM. The choice depends on the CPU and the shape, never on the
/// thread count, so every thread count gives the same bits.
bool center_dots(std::int64_t rows, std::int64_t m, std::int64_t d, const float* x, std::int64_t ldx,
                 const float* c, std::int64_t ldc, float* t);

/// acc (k x d, double) += each row of x (rows x d, leading dimension ldx)
/// at the row of its label, in row order (so the same sums as a plain loop).
void add_rows_to_labels(std::int64_t rows, std::int64_t d, const float* x, std::int64_t ldx,
                        const std::int32_t* labels, double* acc);

}  // namespace embed_metrics::cpu
