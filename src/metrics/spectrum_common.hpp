#pragma once
// The spectrum metrics from covariance eigenvalues already computed: used by
// spectrum_metrics() after its own pass, and by the report, which takes the
// eigenvalues from the second moments it shares with the other covariance
// metrics (metrics/second_moments.hpp).

#include <cstdint>
#include <vector>

#include "embed_metrics/resources.hpp"
#include "embed_metrics/spectrum_metrics.hpp"

namespace embed_metrics::detail {

/// The sorted spectrum (the min(n - 1, d) largest, round-off negatives
/// clamped to 0), alpha-ReQ and NESum from the eigenvalues @p lambda (any
/// order) of the sample covariance of n rows of d columns.
[[nodiscard]] spectrum_metrics_result spectrum_metrics_from_eigenvalues(
    std::vector<double> lambda, std::int64_t n, std::int64_t d, const spectrum_metrics_params& params);

/// LiDAR's input checks after the rows' own (host, or a rank's block): the
/// group ids, one per row, at least one column, delta > 0, eps >= 0; for one
/// process and the ranks.
void check_lidar_input(matrix_view x, label_view groups, const lidar_params& params);

/// Throws metric_undefined where @p g groups of @p n rows leave LiDAR
/// undefined (fewer than 2 groups, or every group a single row).
void check_lidar_groups(std::int64_t g, std::int64_t n);

/// LiDAR from the within-group scatter @p within (d x d, summed over the n
/// rows, consumed) and the between-group covariance @p sb of the @p g group
/// means (d x d: (1/g) sum_a (mu_a - mu)(mu_a - mu)^T): the single-process
/// function after its scatter pass, and every rank after its all-reduces.
[[nodiscard]] lidar_result lidar_from_scatter(const resources& res, std::vector<double> within,
                                              const std::vector<double>& sb, std::int64_t g,
                                              std::int64_t n, std::int64_t d, const lidar_params& params);

}  // namespace embed_metrics::detail
