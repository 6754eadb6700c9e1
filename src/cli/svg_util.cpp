#include "cli/svg_util.hpp"

#include <algorithm>
#include <cmath>

#include "cli/output.hpp"

namespace embed_metrics::cli::svg {

std::string escape(const std::string& s) {
  std::string out;
  for (const char c : s) {
    const char* entity = c == '&'   ? "&amp;"
                         : c == '<' ? "&lt;"
                         : c == '>' ? "&gt;"
                         : c == '"' ? "&quot;"
                                    : nullptr;
    if (entity != nullptr)
      out += entity;
    else
      out += c;
  }
  return out;
}

std::string px(double v) { return printed("%.1f", v); }

namespace {

double nice_step(double raw) {
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * p >= raw) return m * p;
  return 10.0 * p;
}

std::string tick_label(double v, double step) {
  const double mag = std::max(std::fabs(v), std::fabs(step));
  std::string s;
  if (mag >= 1e5 || mag < 1e-3) {
    s = printed("%.2g", v);
  } else {
    // Just the decimals the step needs (2.5 needs one more than 2).
    int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
    if (std::fabs(step * std::pow(10.0, decimals) - std::round(step * std::pow(10.0, decimals))) >
        1e-6)
      ++decimals;
    s = printed("%.*f", decimals, v);
  }
  // 2e+06 reads as 2e6.
  for (const char* from : {"e+0", "e+", "e-0"}) {
    const auto at = s.find(from);
    if (at != std::string::npos) {
      s.replace(at, std::string(from).size(), from[1] == '-' ? "e-" : "e");
      break;
    }
  }
  if (s == "-0" || s.find_first_not_of("-0.") == std::string::npos) s = "0";
  return s;
}

}  // namespace

ticks nice_ticks(double lo, double hi, int max_ticks) {
  ticks t;
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (hi < lo) std::swap(lo, hi);
  if (hi - lo <= 1e-12 * std::max(1.0, std::fabs(hi))) {
    const double pad = std::fabs(hi) > 0 ? std::fabs(hi) * 0.05 : 0.5;
    lo -= pad;
    hi += pad;
  }
  max_ticks = std::max(2, max_ticks);
  double step = nice_step((hi - lo) / (max_ticks - 1));
  double first = std::floor(lo / step) * step;
  double last = std::ceil(hi / step) * step;
  while ((last - first) / step + 1.5 > max_ticks) {
    step = nice_step(step * 1.01);
    first = std::floor(lo / step) * step;
    last = std::ceil(hi / step) * step;
  }
  for (double v = first; v <= last + step * 0.5; v += step) {
    const double snapped = std::fabs(v) < step * 1e-9 ? 0.0 : v;
    t.values.push_back(snapped);
    t.labels.push_back(tick_label(snapped, step));
  }
  t.lo = first;
  t.hi = t.values.back();
  return t;
}

std::size_t label_step(std::size_t n, std::size_t max_labels) {
  max_labels = std::max<std::size_t>(1, max_labels);
  for (std::size_t p = 1;; p *= 10)
    for (const std::size_t m : {1, 2, 5})
      if ((n + m * p - 1) / (m * p) <= max_labels) return m * p;
}

double text_width(const std::string& text, double font_px) {
  double w = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) == 0x80) continue;  // UTF-8 continuation byte
    w += (c == 'i' || c == 'l' || c == '.' || c == ',' || c == ' ' || c == '1') ? 0.33
         : (c == 'm' || c == 'w' || c == 'M' || c == 'W')                       ? 0.9
         : (c >= 'A' && c <= 'Z')                                               ? 0.68
                                                                                : 0.58;
  }
  return w * font_px;
}

std::string fit(const std::string& text, double width, double font_px) {
  if (text_width(text, font_px) <= width) return text;
  std::string s = text;
  while (!s.empty() && text_width(s + "...", font_px) > width) s.pop_back();
  return s + "...";
}

}  // namespace embed_metrics::cli::svg
