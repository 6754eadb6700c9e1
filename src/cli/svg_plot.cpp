#include "cli/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace embed_metrics::cli {
namespace {

constexpr double kWidth = 900, kHeight = 480;
constexpr double kLeft = 60, kRight = 270, kTop = 40, kBottom = 60;
const char* const kColours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string px(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

std::string svg_plot(const std::string& title, const std::vector<std::string>& x_labels,
                     const std::vector<plot_series>& series) {
  const double pw = kWidth - kLeft - kRight, ph = kHeight - kTop - kBottom;
  const std::size_t n = x_labels.size();
  auto x_of = [&](std::size_t i) { return kLeft + (n > 1 ? pw * static_cast<double>(i) / static_cast<double>(n - 1) : pw / 2); };
  auto y_of = [&](double t) { return kTop + ph * (1.0 - t); };

  std::ostringstream os;
  os << R"(<?xml version="1.0" encoding="UTF-8"?>)" << '\n'
     << R"(<svg xmlns="http://www.w3.org/2000/svg" width=")" << kWidth << R"(" height=")" << kHeight
     << R"(" viewBox="0 0 )" << kWidth << ' ' << kHeight << R"(" font-family="sans-serif" font-size="12">)" << '\n'
     << R"(<rect width="100%" height="100%" fill="white"/>)" << '\n'
     << R"(<text x=")" << kLeft << R"(" y="24" font-size="16">)" << escape(title) << "</text>\n";
  // Axes and grid.
  os << R"(<g stroke="#ccc">)";
  for (int g = 0; g <= 4; ++g)
    os << R"(<line x1=")" << px(kLeft) << R"(" x2=")" << px(kLeft + pw) << R"(" y1=")" << px(y_of(g / 4.0))
       << R"(" y2=")" << px(y_of(g / 4.0)) << R"("/>)";
  os << "</g>\n";
  os << R"(<g font-size="10" text-anchor="end">)";
  for (int g = 0; g <= 4; ++g)
    os << R"(<text x=")" << px(kLeft - 6) << R"(" y=")" << px(y_of(g / 4.0) + 3) << R"(">)" << num(g / 4.0) << "</text>";
  os << "</g>\n";
  os << R"(<text x="14" y=")" << px(kTop + ph / 2) << R"(" transform="rotate(-90 14 )" << px(kTop + ph / 2)
     << R"x()" text-anchor="middle">scaled value (min-max per series)</text>)x" << '\n';
  os << R"(<g font-size="10" text-anchor="middle">)";
  const std::size_t step = std::max<std::size_t>(1, n / 12);
  for (std::size_t i = 0; i < n; i += step)
    os << R"(<text x=")" << px(x_of(i)) << R"(" y=")" << px(kTop + ph + 16) << R"(">)" << escape(x_labels[i]) << "</text>";
  os << "</g>\n";
  os << R"(<text x=")" << px(kLeft + pw / 2) << R"(" y=")" << px(kHeight - 18)
     << R"(" text-anchor="middle">checkpoint</text>)" << '\n';

  for (std::size_t s = 0; s < series.size(); ++s) {
    const auto& ser = series[s];
    double lo = INFINITY, hi = -INFINITY;
    for (double v : ser.values)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    // The reference series (LP accuracy) is black; the metrics cycle through the palette.
    const char* colour = ser.emphasised ? "#000000" : kColours[s % (sizeof kColours / sizeof *kColours)];
    os << R"(<g class="series" data-metric=")" << escape(ser.name) << R"(">)";
    std::string points;
    for (std::size_t i = 0; i < ser.values.size() && i < n; ++i) {
      const double v = ser.values[i];
      if (!std::isfinite(v)) continue;
      const double t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
      points += px(x_of(i)) + "," + px(y_of(t)) + " ";
      os << R"(<circle cx=")" << px(x_of(i)) << R"(" cy=")" << px(y_of(t)) << R"(" r="2.5" fill=")" << colour
         << R"("><title>)" << escape(ser.name) << " = " << num(v) << "</title></circle>";
    }
    os << R"(<polyline fill="none" stroke=")" << colour << R"(" stroke-width=")" << (ser.emphasised ? 3.5 : 1.8)
       << (ser.emphasised ? R"(" stroke-dasharray="6 3)" : "") << R"(" points=")" << points << R"("/>)";
    const double ly = kTop + 14.0 + 30.0 * static_cast<double>(s);
    const double lx = kLeft + pw + 20;
    os << R"(<line x1=")" << px(lx) << R"(" x2=")" << px(lx + 24) << R"(" y1=")" << px(ly) << R"(" y2=")" << px(ly)
       << R"(" stroke=")" << colour << R"(" stroke-width="3"/>)"
       << R"(<text x=")" << px(lx + 30) << R"(" y=")" << px(ly + 4) << R"(">)" << escape(ser.name) << "</text>"
       << R"(<text x=")" << px(lx + 30) << R"(" y=")" << px(ly + 17) << R"(" font-size="10" fill="#555">)"
       << (std::isfinite(lo) ? "range " + num(lo) + " .. " + num(hi) : std::string("no values")) << "</text>";
    os << "</g>\n";
  }
  os << "</svg>\n";
  return os.str();
}

}  // namespace embed_metrics::cli
