#pragma once
// From the rows of a `track` run (or a metrics log) to the small multiples:
// which columns get a panel, their units, and the correlations printed on them.

#include <string>
#include <vector>

#include "cli/output.hpp"
#include "cli/svg_plot.hpp"

namespace embed_metrics::cli {

/// The columns of @p rows that are metrics to plot: numeric in some row, in
/// first-row order, leaving out bookkeeping (step, epoch, n, d, k, seconds,
/// path, device, seeds), the KEY_std spreads (drawn with KEY) and @p reference_key.
std::vector<std::string> plotted_metrics(const std::vector<json>& rows,
                                         const std::string& reference_key);

/// The figure: a panel per key of @p metrics, @p reference_key (may be empty)
/// on the second axis, and from @p correlations ({key: {spearman, pearson,
/// kendall}}) Spearman and, when it differs, @p chosen in each title.
small_multiples track_figure(const std::string& title, const std::vector<std::string>& x_labels,
                             const std::vector<json>& rows, const std::vector<std::string>& metrics,
                             const std::string& reference_key, const json& correlations,
                             const std::string& chosen, int skip_first);

}  // namespace embed_metrics::cli
