#pragma once
// A self-contained SVG line chart of metric trajectories against the
// checkpoint index: each series min-max scaled to [0, 1] (its raw range in
// the legend), one polyline per series, readable in any browser.

#include <string>
#include <vector>

namespace embed_metrics::cli {

struct plot_series {
  std::string name;
  std::vector<double> values;  // one per checkpoint; NaN = missing
  bool emphasised = false;     // drawn thicker (the reference, e.g. LP accuracy)
};

/// The SVG document.
std::string svg_plot(const std::string& title, const std::vector<std::string>& x_labels,
                     const std::vector<plot_series>& series);

}  // namespace embed_metrics::cli
