#include "cli/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "cli/output.hpp"
#include "cli/svg_util.hpp"

namespace embed_metrics::cli {
namespace {

using svg::escape;
using svg::px;

// Panel geometry: four panels a row fit a 1366-pixel laptop screen at 100 %.
constexpr double kPanelW = 320, kPanelH = 204;
constexpr double kPlotLeft = 56, kPlotRight = 278, kPlotTop = 42, kPlotBottom = 172;
constexpr double kMargin = 10, kHeader = 62;
constexpr int kMaxColumns = 4;
constexpr double kTickFont = 10, kTitleFont = 12, kSubFont = 10.5;
const char* const kMetricColour = "#1f6fb4";
const char* const kReferenceColour = "#111111";
// Markers only while they stay apart.
constexpr std::size_t kMaxMarkers = 60;

struct range {
  double lo = INFINITY, hi = -INFINITY;
  [[nodiscard]] bool empty() const { return !(lo <= hi); }
  void add(double x) {
    if (std::isfinite(x)) lo = std::min(lo, x), hi = std::max(hi, x);
  }
};

range finite_range(const std::vector<double>& v) {
  range r;
  for (double x : v) r.add(x);
  return r;
}

// The band's value at checkpoint i (NaN where it has none): v + sign * spread.
double band_edge(const plot_series& s, std::size_t i, double sign) {
  if (i >= s.spread.size() || !std::isfinite(s.spread[i]) || !std::isfinite(s.values[i])) return NAN;
  return s.values[i] + sign * std::fabs(s.spread[i]);
}

// The values and, where drawn, the band's edges: the panel's y range.
range series_range(const plot_series& s) {
  range r = finite_range(s.values);
  for (std::size_t i = 0; i < s.values.size(); ++i)
    for (double sign : {-1.0, 1.0}) r.add(band_edge(s, i, sign));
  return r;
}

std::string corr_text(const std::vector<panel_correlation>& cs) {
  std::string s;
  for (const auto& c : cs) {
    if (!s.empty()) s += "  \xC2\xB7  ";  // middle dot
    s += c.method + (std::isfinite(c.value) ? printed(" %+.2f", c.value) : " n/a");
  }
  return s;
}

class panel_writer {
 public:
  panel_writer(std::ostringstream& os, const small_multiples& fig) : os_(os), fig_(fig) {
    n_ = fig.x_labels.size();
    std::size_t widest = 1;
    for (const auto& l : fig.x_labels) widest = std::max(widest, l.size());
    const double label_w = svg::text_width(std::string(widest, '0'), kTickFont) + 14;
    x_step_ = svg::label_step(
        n_, static_cast<std::size_t>(std::max(1.0, (kPlotRight - kPlotLeft) / label_w)));
  }

  void write(std::size_t m, double ox, double oy) {
    const auto& ser = fig_.metrics[m];
    os_ << R"(<g class="panel" data-metric=")" << escape(ser.name) << R"(" transform="translate()"
        << px(ox) << ',' << px(oy) << R"lit()">)lit" << '\n';
    const std::string name = ser.unit.empty() ? ser.name : ser.name + " (" + ser.unit + ")";
    os_ << R"(<text class="panel-title" x="8" y="15" font-size=")" << kTitleFont
        << R"(" font-weight="bold">)" << escape(svg::fit(name, kPanelW - 16, kTitleFont * 1.08))
        << "</text>\n";
    if (m < fig_.correlations.size() && !fig_.correlations[m].empty())
      os_ << R"(<text class="panel-corr" x="8" y="31" font-size=")" << kSubFont
          << R"(" fill="#333">)"
          << escape(svg::fit(corr_text(fig_.correlations[m]), kPanelW - 16, kSubFont * 1.08))
          << "</text>\n";
    write_skip_shade();
    const range r = series_range(ser);
    if (r.empty()) {
      os_ << R"(<text x=")" << px((kPlotLeft + kPlotRight) / 2) << R"(" y=")"
          << px((kPlotTop + kPlotBottom) / 2)
          << R"(" text-anchor="middle" fill="#777" font-size="11">no values</text>)" << '\n';
    } else {
      const auto t = svg::nice_ticks(r.lo, r.hi, 5);
      write_axis(t, /*left=*/true);
      write_band(ser, t);
      write_series(ser, t, kMetricColour, false);
    }
    const range rr = finite_range(fig_.reference.values);
    if (!rr.empty()) {
      const auto t = svg::nice_ticks(rr.lo, rr.hi, 5);
      write_axis(t, /*left=*/false);
      write_series(fig_.reference, t, kReferenceColour, true);
    }
    write_x_labels();
    os_ << R"(<rect x=")" << px(kPlotLeft) << R"(" y=")" << px(kPlotTop) << R"(" width=")"
        << px(kPlotRight - kPlotLeft) << R"(" height=")" << px(kPlotBottom - kPlotTop)
        << R"(" fill="none" stroke="#999"/>)"
        << "\n</g>\n";
  }

 private:
  [[nodiscard]] double x_of(std::size_t i) const {
    const double w = kPlotRight - kPlotLeft;
    return n_ > 1 ? kPlotLeft + 6 + (w - 12) * static_cast<double>(i) / static_cast<double>(n_ - 1)
                  : kPlotLeft + w / 2;
  }
  static double y_of(double v, const svg::ticks& t) {
    return kPlotBottom - (kPlotBottom - kPlotTop) * (v - t.lo) / (t.hi - t.lo);
  }

  void write_skip_shade() {
    const auto skip = static_cast<std::size_t>(std::max(0, fig_.skip_first));
    if (skip == 0 || n_ == 0) return;
    const double right = skip >= n_ ? kPlotRight : (x_of(skip - 1) + x_of(skip)) / 2;
    os_ << R"(<rect class="skipped" x=")" << px(kPlotLeft) << R"(" y=")" << px(kPlotTop)
        << R"(" width=")" << px(right - kPlotLeft) << R"(" height=")" << px(kPlotBottom - kPlotTop)
        << R"(" fill="#e4e4e4"><title>left out of the correlations (--skip-first )"
        << fig_.skip_first << ")</title></rect>\n";
  }

  void write_axis(const svg::ticks& t, bool left) {
    os_ << R"(<g font-size=")" << kTickFont << R"(" text-anchor=")" << (left ? "end" : "start")
        << R"(" fill=")" << (left ? kMetricColour : kReferenceColour) << R"(">)";
    for (std::size_t i = 0; i < t.values.size(); ++i) {
      const double y = y_of(t.values[i], t);
      if (left)
        os_ << R"(<line x1=")" << px(kPlotLeft) << R"(" x2=")" << px(kPlotRight) << R"(" y1=")"
            << px(y) << R"(" y2=")" << px(y) << R"(" stroke="#e8e8e8"/>)";
      os_ << R"(<text x=")" << px(left ? kPlotLeft - 5 : kPlotRight + 5) << R"(" y=")"
          << px(y + 3.5) << R"(">)" << escape(t.labels[i]) << "</text>";
    }
    os_ << "</g>\n";
  }

  // One polygon per run of checkpoints with a spread: the upper edge left to
  // right, the lower one back; a missing value or spread breaks the band.
  void write_band(const plot_series& ser, const svg::ticks& t) {
    std::vector<std::size_t> run;
    auto flush = [&] {
      if (run.empty()) return;
      std::string points;
      for (std::size_t i : run) points += px(x_of(i)) + "," + px(y_of(band_edge(ser, i, 1), t)) + " ";
      for (auto it = run.rbegin(); it != run.rend(); ++it)
        points += px(x_of(*it)) + "," + px(y_of(band_edge(ser, *it, -1), t)) + " ";
      os_ << R"(<polygon class="band" data-metric=")" << escape(ser.name) << R"(" fill=")"
          << kMetricColour << R"(" fill-opacity="0.18" stroke="none" points=")" << points
          << R"("><title>)" << escape(ser.name) << R"( +- its standard deviation</title></polygon>)"
          << '\n';
      run.clear();
    };
    for (std::size_t i = 0; i < ser.values.size() && i < n_; ++i) {
      if (std::isfinite(band_edge(ser, i, 1)))
        run.push_back(i);
      else
        flush();
    }
    flush();
  }

  void write_series(const plot_series& ser, const svg::ticks& t, const char* colour,
                    bool reference) {
    os_ << R"(<g class="series" data-metric=")" << escape(ser.name) << R"(" data-axis=")"
        << (reference ? "right" : "left") << R"(">)";
    // A gap (missing value) breaks the line.
    std::string points, markers;
    auto flush = [&] {
      if (points.empty()) return;
      os_ << R"(<polyline fill="none" stroke=")" << colour << R"(" stroke-width=")"
          << (reference ? 1.6 : 2.0) << (reference ? R"(" stroke-dasharray="5 3)" : "")
          << R"(" points=")" << points << R"("/>)";
      points.clear();
    };
    for (std::size_t i = 0; i < ser.values.size() && i < n_; ++i) {
      const double v = ser.values[i];
      if (!std::isfinite(v)) {
        flush();
        continue;
      }
      points += px(x_of(i)) + "," + px(y_of(v, t)) + " ";
      if (n_ > kMaxMarkers) continue;  // too many points to mark one by one
      markers += R"(<circle cx=")" + px(x_of(i)) + R"(" cy=")" + px(y_of(v, t)) + R"(" r=")" +
                 (reference ? "1.8" : "2.4") + R"(" fill=")" + colour + R"("><title>)" +
                 escape(ser.name) + " at " + escape(fig_.x_labels[i]) + " = " + printed("%.4g", v) +
                 "</title></circle>";
    }
    flush();
    os_ << markers;
    os_ << "</g>\n";
  }

  void write_x_labels() {
    os_ << R"(<g font-size=")" << kTickFont << R"(" text-anchor="middle" fill="#444">)";
    for (std::size_t i = 0; i < n_; i += x_step_)
      os_ << R"(<text x=")" << px(x_of(i)) << R"(" y=")" << px(kPlotBottom + 17) << R"(">)"
          << escape(fig_.x_labels[i]) << "</text>";
    os_ << "</g>\n";
  }

  std::ostringstream& os_;
  const small_multiples& fig_;
  std::size_t n_ = 0;
  std::size_t x_step_ = 1;
};

void write_legend(std::ostringstream& os, const small_multiples& fig) {
  const double y = 46;
  double x = kMargin;
  auto item_text = [&](const std::string& text) {
    os << R"(<text x=")" << px(x) << R"(" y=")" << px(y + 4) << R"(">)" << escape(text)
       << "</text>";
    x += svg::text_width(text, 11) * 1.15 + 26;
  };
  os << R"(<g class="legend" font-size="11" fill="#333">)";
  os << R"(<line x1=")" << px(x) << R"(" x2=")" << px(x + 22) << R"(" y1=")" << px(y) << R"(" y2=")"
     << px(y) << R"(" stroke=")" << kMetricColour << R"(" stroke-width="2"/>)";
  x += 28;
  item_text("the panel's metric (left axis)");
  if (!finite_range(fig.reference.values).empty()) {
    os << R"(<line x1=")" << px(x) << R"(" x2=")" << px(x + 22) << R"(" y1=")" << px(y)
       << R"(" y2=")" << px(y) << R"(" stroke=")" << kReferenceColour
       << R"(" stroke-width="1.6" stroke-dasharray="5 3"/>)";
    x += 28;
    item_text(fig.reference.name + " (right axis)");
  }
  const bool any_band = std::any_of(fig.metrics.begin(), fig.metrics.end(), [](const plot_series& m) {
    return !series_range(m).empty() && std::any_of(m.spread.begin(), m.spread.end(),
                                                  [](double v) { return std::isfinite(v); });
  });
  if (any_band) {
    os << R"(<rect x=")" << px(x) << R"(" y=")" << px(y - 6) << R"(" width="22" height="12" fill=")"
       << kMetricColour << R"(" fill-opacity="0.18"/>)";
    x += 28;
    item_text("\xC2\xB1 its standard deviation over seeds");
  }
  if (fig.skip_first > 0) {
    os << R"(<rect x=")" << px(x) << R"(" y=")" << px(y - 6)
       << R"(" width="22" height="12" fill="#e4e4e4"/>)";
    x += 28;
    item_text("left out of the correlations (first " + std::to_string(fig.skip_first) + ")");
  }
  item_text("x: checkpoint");
  os << "</g>\n";
}

}  // namespace

std::string svg_plot_element(const small_multiples& fig) {
  const std::size_t panels = fig.metrics.size();
  const int cols = static_cast<int>(std::clamp<std::size_t>(panels, 1, kMaxColumns));
  const int rows = static_cast<int>((panels + static_cast<std::size_t>(cols) - 1) /
                                    static_cast<std::size_t>(cols));
  const double width = 2 * kMargin + cols * kPanelW;
  const double height = kHeader + std::max(1, rows) * kPanelH + kMargin;
  std::ostringstream os;
  os << R"(<svg xmlns="http://www.w3.org/2000/svg" class="small-multiples" width=")" << px(width)
     << R"(" height=")" << px(height) << R"(" viewBox="0 0 )" << px(width) << ' ' << px(height)
     << R"(" font-family="sans-serif" font-size="12" data-panels=")" << panels << R"(">)" << '\n'
     << R"(<rect width="100%" height="100%" fill="white"/>)" << '\n'
     << R"(<text x=")" << px(kMargin) << R"(" y="22" font-size="16">)"
     << escape(svg::fit(fig.title, width - 2 * kMargin, 16 * 1.08)) << "</text>\n";
  write_legend(os, fig);
  panel_writer pw(os, fig);
  for (std::size_t m = 0; m < panels; ++m)
    pw.write(m, kMargin + static_cast<double>(m % static_cast<std::size_t>(cols)) * kPanelW,
             kHeader + static_cast<double>(m / static_cast<std::size_t>(cols)) * kPanelH);
  os << "</svg>\n";
  return os.str();
}

std::string svg_plot(const small_multiples& fig) {
  return std::string(R"(<?xml version="1.0" encoding="UTF-8"?>)") + "\n" + svg_plot_element(fig);
}

}  // namespace embed_metrics::cli
