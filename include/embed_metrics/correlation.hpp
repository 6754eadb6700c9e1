#pragma once
/// @file correlation.hpp
/// @brief Correlation of a metric's trajectory with a reference (for example
/// linear-probe accuracy per checkpoint): Pearson, Spearman and Kendall's
/// tau-b, with SciPy's conventions (ties get average ranks; tau-b corrects
/// for ties; NaN when either side is constant).

#include <vector>

#include "embed_metrics/export.hpp"

namespace embed_metrics {

/// @brief Pearson's r of @p x and @p y (same length >= 2), computed in double.
/// @throws invalid_argument on different lengths or fewer than 2 values.
[[nodiscard]] EMBED_METRICS_API double pearson(const std::vector<double>& x,
                                               const std::vector<double>& y);

/// @brief Spearman's rho: Pearson's r of the average ranks.
[[nodiscard]] EMBED_METRICS_API double spearman(const std::vector<double>& x,
                                                const std::vector<double>& y);

/// @brief Kendall's tau-b (ties in either variable corrected), O(n^2).
[[nodiscard]] EMBED_METRICS_API double kendall(const std::vector<double>& x,
                                               const std::vector<double>& y);

/// @brief The three at once.
struct correlations {
  double pearson = 0.0;   ///< linear correlation
  double spearman = 0.0;  ///< rank correlation
  double kendall = 0.0;   ///< concordance of pairs (tau-b)
};

/// @brief Pearson, Spearman and Kendall of @p x against @p y.
[[nodiscard]] EMBED_METRICS_API correlations correlate(const std::vector<double>& x,
                                                       const std::vector<double>& y);

}  // namespace embed_metrics
