#pragma once
// `track --html` and `eval --html`: one self-contained HTML page (no network,
// no external script, style or font) with the small multiples, a sortable
// table of every checkpoint, the correlations on a colour scale, the
// covariance spectrum and C1's cluster sizes per checkpoint, and the inputs
// that reproduce it. Opened with `#selftest`, the page measures itself (panel
// count, overlapping text) and writes the result into #selftest-result, which
// the browser tests read.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cli/output.hpp"

namespace embed_metrics::cli {

/// One checkpoint's row and the pictures beside it.
struct html_checkpoint {
  std::string label;                        ///< short name (file name or step)
  json row;                                 ///< its figures (the keys of eval / track)
  std::vector<double> spectrum;             ///< covariance eigenvalues, largest first; may be empty
  std::vector<std::int64_t> cluster_sizes;  ///< points per cluster of C1; may be empty
};

/// Everything the page shows.
struct html_report_input {
  std::string title;
  std::vector<html_checkpoint> checkpoints;
  std::vector<std::string> columns;    ///< row keys for the table, in order
  std::string small_multiples_svg;     ///< an <svg> element (svg_plot_element); empty = none
  std::string reference_key;           ///< the series the correlations are against; empty = none
  json correlations = json::object();  ///< {metric: {spearman, pearson, kendall}}
  int skip_first = 0;
  std::vector<std::pair<std::string, std::string>>
      inputs;  ///< (what, value): files, k, seed, device, version
};

/// The HTML document.
std::string html_report(const html_report_input& in);

}  // namespace embed_metrics::cli
