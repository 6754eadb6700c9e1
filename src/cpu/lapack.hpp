#pragma once
// The two dense factorisations the spectrum metrics need, in double, from the
// LAPACK that OpenBLAS ships (dpotrf, dsyev).

#include <cstdint>
#include <vector>

namespace embed_metrics::cpu {

/// log det of the symmetric d x d matrix @p a (row-major; symmetric, so the
/// layout does not matter) by Cholesky; false when it is not positive definite.
/// @p a is overwritten.
[[nodiscard]] bool cholesky_log_det(std::vector<double>& a, std::int64_t d, double& log_det);

/// Eigenvalues of the symmetric d x d matrix @p a, ascending. @p a is overwritten.
[[nodiscard]] std::vector<double> symmetric_eigenvalues(std::vector<double>& a, std::int64_t d);

}  // namespace embed_metrics::cpu
