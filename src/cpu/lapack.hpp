#pragma once
// The dense symmetric eigensolver the spectrum metrics need, in double, from
// the LAPACK that OpenBLAS ships (dsyev). Singularity is decided from these
// eigenvalues against a stated threshold, never from whether a factorisation
// happens to fail: a Cholesky of a numerically singular matrix succeeds or
// fails depending on the BLAS kernel's rounding.

#include <cstdint>
#include <vector>

namespace embed_metrics::cpu {

/// Eigenvalues of the symmetric d x d matrix @p a, ascending. @p a is overwritten.
[[nodiscard]] std::vector<double> symmetric_eigenvalues(std::vector<double>& a, std::int64_t d);

}  // namespace embed_metrics::cpu
