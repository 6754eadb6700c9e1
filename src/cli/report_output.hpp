#pragma once
// The report as JSON (the keys of `eval`), the metrics `track` correlates,
// and the explanations printed by --explain: all from the registry of
// report_metrics.hpp.

#include <string>
#include <utility>
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

/// What each metric means, when it is reliable, and its source.
const std::vector<std::pair<std::string, std::string>>& metric_explanations();

/// Print the explanations for @p keys (table format) on @p os.
void print_explanations(std::ostream& os, const std::vector<std::string>& keys);

}  // namespace embed_metrics::cli
