#pragma once
// The SVG written by `track --plot` (and inlined in the HTML report): small
// multiples, one panel per metric with its own y axis in its own units, the
// reference series (LP accuracy, or AMI against the labels) on a second axis
// in every panel, the correlations in each panel's title, and the checkpoints
// left out of the correlations (--skip-first) shaded. Drawing only: writing
// the file is the caller's business.

#include <string>
#include <vector>

namespace embed_metrics::cli {

/// One trajectory: a value per checkpoint (NaN = missing).
struct plot_series {
  std::string name;
  std::string unit;  ///< shown beside the name ("nats"); may be empty
  std::vector<double> values;
  /// Standard deviation per checkpoint over the k-means seed pairs (the KEY_std
  /// column, eval/track --seeds); empty or NaN = none.
  std::vector<double> spread;
};

/// A correlation printed in a panel title ("Spearman", 0.93).
struct panel_correlation {
  std::string method;
  double value = 0.0;  ///< NaN when it could not be computed
};

/// Everything the figure shows.
struct small_multiples {
  std::string title;
  std::vector<std::string> x_labels;  ///< one per checkpoint
  std::vector<plot_series> metrics;   ///< one panel each
  plot_series reference;              ///< on the right axis of every panel; no values = none
  /// Per metric (same order), the correlations with the reference; may be shorter.
  std::vector<std::vector<panel_correlation>> correlations;
  int skip_first = 0;  ///< checkpoints [0, skip_first) are shaded
};

/// The SVG document (with its XML declaration).
std::string svg_plot(const small_multiples& fig);

/// The same figure as an <svg> element to inline in an HTML page.
std::string svg_plot_element(const small_multiples& fig);

}  // namespace embed_metrics::cli
