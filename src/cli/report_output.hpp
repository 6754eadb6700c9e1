#pragma once
// The report as JSON (the keys of `eval`), the metrics `track` correlates,
// and the explanations printed by --explain: all from the registry of
// report_metrics.hpp.

#include <string>
#include <vector>

#include "cli/output.hpp"
#include "embed_metrics/report.hpp"

namespace embed_metrics::cli {

/// JSON object with n, d, k, [seeds when above 1], every registry metric in
/// registry order (the label-based ones when labels were given), each followed
/// by its KEY_std over the seed pairs (seeds > 1) and its KEY_reason when it is
/// undefined, then device, seconds.
json report_json(const report_result& r, bool with_labels);

/// The metric keys of a report, in output order (labels-based ones when asked).
std::vector<std::string> metric_keys(bool with_labels);

/// The unit a metric is shown in ("nats", "score"); empty for unknown keys.
std::string metric_unit(const std::string& key);

/// True for the KEY_std column of a registry metric (drawn with KEY, not alone).
bool is_spread_column(const std::string& key);

/// What the metric @p key means, when it is reliable, and its source; empty for unknown keys.
std::string metric_explanation(const std::string& key);

/// Print the explanations of the report's metrics (table format) on @p os.
void print_explanations(std::ostream& os, bool with_labels);

}  // namespace embed_metrics::cli
