#pragma once
// The eigenvalues of the sample covariance of the embeddings: the spectrum a
// report shows to make dimensional collapse visible (a few large eigenvalues,
// the rest near zero).

#include <vector>

#include "embed_metrics/matrix.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::detail {

/// Eigenvalues of the sample covariance of @p x (ddof = 1), largest first:
/// the min(n - 1, d) that can be non-zero, round-off negatives clamped to 0.
/// Second moments are accumulated in double on the resources' backend; the
/// d x d eigen-decomposition runs on the host in double.
[[nodiscard]] std::vector<double> covariance_spectrum(const resources& res, matrix_view x);

}  // namespace embed_metrics::detail
