#pragma once
/// @file report_metrics.hpp
/// @brief The registry of the report's scalar metrics: one table (key, unit,
/// meaning, source, labels or not, seed-dependent or not, the evaluate() step
/// that computes it) from which evaluate(), the tool's JSON / CSV / table
/// outputs, --explain, the plots and the Python Report all take their list.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "embed_metrics/report.hpp"

namespace embed_metrics {

/// @brief One scalar metric of the report.
struct report_metric {
  std::string_view key;      ///< JSON / CSV key and report_result field or values key
  std::string_view unit;     ///< shown beside the name ("nats", "score")
  std::string_view meaning;  ///< what it measures and when it is reliable, one paragraph
  std::string_view source;   ///< where the measure comes from
  bool needs_labels = false;    ///< computed only when labels are given
  bool seed_dependent = false;  ///< moves with the k-means seed: mean and std over report_params::seeds
  std::string_view step;        ///< the evaluate() step that computes it (its progress name)
};

/// @brief Every scalar metric of the report, in output order.
[[nodiscard]] const std::vector<report_metric>& report_metrics();

/// @brief The registry entry of @p key, or nullptr when no metric has that key.
[[nodiscard]] const report_metric* find_report_metric(std::string_view key);

/// @brief The value of metric @p key in @p r (the mean over the seed pairs for
/// a seed-dependent one); std::nullopt when it was not computed or is undefined.
/// @throws invalid_argument for a key that is not in report_metrics().
[[nodiscard]] std::optional<double> metric_value(const report_result& r, std::string_view key);

/// @brief The key under which the outputs give the standard deviation of @p key
/// over the seed pairs ("silhouette" -> "silhouette_std").
[[nodiscard]] std::string spread_key(std::string_view key);

}  // namespace embed_metrics
