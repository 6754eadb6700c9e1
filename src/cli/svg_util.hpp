#pragma once
// What every chart the tool draws needs: XML escaping, coordinates and
// numbers written compactly, "nice" axis ticks, and x labels thinned so that
// they never touch.

#include <cstddef>
#include <string>
#include <vector>

namespace embed_metrics::cli::svg {

/// @p s with &, <, > and " escaped for XML text and attributes.
std::string escape(const std::string& s);

/// A coordinate, one decimal.
std::string px(double v);

/// Evenly spaced round values (steps of 1, 2 or 5 times a power of ten)
/// covering [lo, hi] with at most @p max_ticks of them, and their labels
/// written with just the decimals the step needs.
struct ticks {
  std::vector<double> values;
  std::vector<std::string> labels;
  double lo = 0, hi = 1;  ///< the axis range: the outermost ticks, enclosing [lo, hi]
};
ticks nice_ticks(double lo, double hi, int max_ticks);

/// The step between labelled x positions (1, 2, 5, 10, 20, 25, 50, ...) so that
/// at most @p max_labels of @p n positions carry a label.
std::size_t label_step(std::size_t n, std::size_t max_labels);

/// A rough width of @p text in pixels at @p font_px (sans-serif): for layout
/// decisions only; the browser test measures the real boxes.
double text_width(const std::string& text, double font_px);

/// @p text cut (with "...") to fit @p width pixels at @p font_px.
std::string fit(const std::string& text, double width, double font_px);

}  // namespace embed_metrics::cli::svg
