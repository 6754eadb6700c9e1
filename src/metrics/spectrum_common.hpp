#pragma once
// The spectrum metrics from covariance eigenvalues already computed: used by
// spectrum_metrics() after its own pass, and by the report, which takes the
// eigenvalues from the second moments it shares with the other covariance
// metrics (metrics/second_moments.hpp).

#include <cstdint>
#include <vector>

#include "embed_metrics/spectrum_metrics.hpp"

namespace embed_metrics::detail {

/// The sorted spectrum (the min(n - 1, d) largest, round-off negatives
/// clamped to 0), alpha-ReQ and NESum from the eigenvalues @p lambda (any
/// order) of the sample covariance of n rows of d columns.
[[nodiscard]] spectrum_metrics_result spectrum_metrics_from_eigenvalues(
    std::vector<double> lambda, std::int64_t n, std::int64_t d, const spectrum_metrics_params& params);

}  // namespace embed_metrics::detail
