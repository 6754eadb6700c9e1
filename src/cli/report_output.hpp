#pragma once
// The report as JSON (the keys of `eval`), the metrics `track` correlates,
// and the one-line explanations printed by --explain.

#include <string>
#include <utility>
#include <vector>

#include "cli/output.hpp"
#include "embed_metrics/report.hpp"

namespace embed_metrics::cli {

/// JSON object with n, d, k, silhouette, ami_c1_c2, ari_c1_c2, knn_entropy,
/// gaussian_entropy, effective_rank, inertia, [ami_c1_gt, ari_c1_gt,
/// knn_accuracy when labels were given], device, seconds.
json report_json(const report_result& r, bool with_labels);

/// The metric keys of a report, in output order (labels-based ones when asked).
std::vector<std::string> metric_keys(bool with_labels);

/// The unit a metric is shown in ("nats", "score"); empty for unknown keys.
std::string metric_unit(const std::string& key);

/// One line on what each metric means and when it is reliable.
const std::vector<std::pair<std::string, std::string>>& metric_explanations();

/// Print the explanations for @p keys (table format) on @p os.
void print_explanations(std::ostream& os, const std::vector<std::string>& keys);

}  // namespace embed_metrics::cli
