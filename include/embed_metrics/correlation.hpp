#pragma once
/// @file correlation.hpp
/// @brief Correlation of a metric's trajectory with a reference (for example
/// linear-probe accuracy per checkpoint): Pearson, Spearman and Kendall's
/// tau-b, with SciPy's conventions (ties get average ranks; tau-b corrects
/// for ties; NaN when either side is constant).

#include <cstddef>
#include <cstdint>
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

/// @brief How the bootstrap over checkpoints resamples.
struct bootstrap_params {
  /// Resamples drawn; 2000 keeps a 95 % percentile interval's ends stable to
  /// about 0.01 and costs a few milliseconds for tens of checkpoints.
  int resamples = 2000;
  double confidence = 0.95;  ///< the interval holds this central share of the resampled values
  /// Key of the Philox stream of the resampling indices: a fixed key gives the
  /// same resamples on every run and for every metric of one trajectory.
  std::uint64_t seed = 0;
};

/// @brief A percentile interval; both ends NaN when no resample was defined.
struct interval {
  double low = 0.0;
  double high = 0.0;
};

/// @brief Bootstrap intervals of the three correlations.
struct correlation_intervals {
  interval pearson;
  interval spearman;
  interval kendall;
  int resamples = 0;  ///< resamples drawn
  /// Per correlation, the resamples where it was undefined (a constant
  /// resampled series, e.g. one checkpoint drawn every time), left out of
  /// its interval.
  int undefined_pearson = 0;
  int undefined_spearman = 0;
  int undefined_kendall = 0;
};

/// @brief The checkpoints of resample @p resample of @p n: n indices in
/// [0, n) drawn with replacement, index j from the Philox4x32-10 block at
/// counter (resample, j, 0x62747370, 0) under key @p seed (its first two words
/// as a 64-bit integer u, the index (u * n) >> 64).
[[nodiscard]] EMBED_METRICS_API std::vector<std::size_t> bootstrap_indices(std::size_t n, std::uint32_t resample,
                                                         std::uint64_t seed);

/// @brief 95 % (params.confidence) percentile bootstrap intervals of Pearson,
/// Spearman and Kendall of @p x against @p y over their pairs (checkpoints):
/// params.resamples resamples of the pairs with replacement
/// (bootstrap_indices), each correlation recomputed on each, and the
/// interval the (1 - c) / 2 and (1 + c) / 2 quantiles of the defined values,
/// interpolated linearly between order statistics (NumPy's default
/// percentile). Deterministic for a seed, whatever the thread count.
/// @throws invalid_argument as correlate(), or on resamples < 1 or a
/// confidence outside (0, 1).
[[nodiscard]] EMBED_METRICS_API correlation_intervals bootstrap_correlations(const std::vector<double>& x,
                                                           const std::vector<double>& y,
                                                           const bootstrap_params& params = {});

}  // namespace embed_metrics
