#pragma once
// Eigenvectors too (LAPACK dsyev "V"), for LiDAR's inverse square root of the
// within-group scatter; cpu/lapack.hpp has the eigenvalues-only form, and
// cpu/lapack.cpp defines both.

#include <cstdint>
#include <vector>

namespace embed_metrics::cpu {

/// Eigenvalues of the symmetric d x d matrix @p a, ascending; on return @p a
/// holds the matching orthonormal eigenvectors, eigenvector k in row k
/// (row-major view of LAPACK's column-major result).
[[nodiscard]] std::vector<double> symmetric_eigen(std::vector<double>& a, std::int64_t d);

}  // namespace embed_metrics::cpu
