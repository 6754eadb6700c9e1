#pragma once
// The steps of evaluate(), in order, as the registry (metric_registry.cpp)
// lists them beside its metrics: each step computes one or more metrics from
// the shared state of one report and stores them with report_context::set.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "embed_metrics/report.hpp"
#include "metrics/second_moments.hpp"

namespace embed_metrics::detail {

/// What the steps of one report share.
struct report_context {
  const resources& res;
  matrix_view x;  ///< the embeddings the report works on (normalised with params.normalize)
  label_view labels;  ///< empty without labels
  /// The inputs (views and groups are checked against x; a step that
  /// needs one says so in its report_step::wanted).
  const report_params& params;
  report_result& result;
  /// The k-means step's clusterings: C1 and C2 of each seed pair.
  std::vector<std::vector<std::int64_t>> c1, c2;
  /// The covariance metrics' second moments, made by the first step that
  /// asks (moments()), so that their steps share one pass over x.
  std::optional<second_moments> shared_moments;

  /// The second moments of x, computed on the first call.
  second_moments& moments();

  /// Store metric @p key (a registry key).
  void set(std::string_view key, std::optional<double> value) const;
  /// Store a seed-dependent metric from its value for each seed pair: the
  /// mean, and with more than one pair the standard deviation (ddof = 1).
  void set(std::string_view key, const std::vector<double>& per_pair) const;
  /// Store metric @p key as undefined, saying why.
  void set_undefined(std::string_view key, std::string reason) const;
};

/// One step of evaluate(); its name is the progress text and the metrics'
/// report_metric::step.
struct report_step {
  std::string_view name;
  bool (*wanted)(const report_params& params, bool with_labels);
  void (*run)(report_context& ctx);
};

/// The steps in the order evaluate() runs them.
const std::vector<report_step>& report_steps();

}  // namespace embed_metrics::detail
