#include "cli/svg_spectrum.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "cli/output.hpp"
#include "cli/svg_util.hpp"

namespace embed_metrics::cli {
namespace {

using svg::px;

constexpr double kW = 640, kH = 320;
constexpr double kLeft = 58, kRight = 520, kTop = 16, kBottom = 280;
// Eigenvalues more than this many decades below the largest are round-off.
constexpr double kDecades = 12;

// Training order as a light-to-dark blue ramp.
std::string ramp(double t) {
  const double a[3] = {0.74, 0.84, 0.93}, b[3] = {0.03, 0.19, 0.42};
  std::string colour = "#";
  for (int i = 0; i < 3; ++i)
    colour += printed("%02x", static_cast<int>(255 * (a[i] + (b[i] - a[i]) * t)));
  return colour;
}

}  // namespace

std::string svg_spectrum(const std::vector<std::vector<double>>& spectra,
                         const std::vector<std::string>& checkpoint_labels) {
  double top = 0, floor_v = INFINITY;
  std::size_t longest = 0, drawn = 0;
  for (const auto& s : spectra) {
    if (s.empty()) continue;
    ++drawn;
    longest = std::max(longest, s.size());
    for (double v : s) {
      if (std::isfinite(v)) top = std::max(top, v);
      if (v > 0 && std::isfinite(v)) floor_v = std::min(floor_v, v);
    }
  }
  std::ostringstream os;
  os << R"(<svg xmlns="http://www.w3.org/2000/svg" class="spectrum" width=")" << kW
     << R"(" height=")" << kH << R"(" viewBox="0 0 )" << kW << ' ' << kH
     << R"(" font-family="sans-serif" font-size="10">)"
     << R"(<rect width="100%" height="100%" fill="white"/>)";
  if (drawn == 0 || !(top > 0)) {
    os << R"(<text x="20" y="40" font-size="12" fill="#777">no spectrum was computed</text></svg>)";
    return os.str();
  }
  double hi_dec = std::ceil(std::log10(top));
  double lo_dec = std::floor(std::log10(std::max(floor_v, top * std::pow(10.0, -kDecades))));
  if (hi_dec <= lo_dec) hi_dec = lo_dec + 1;
  auto x_of = [&](std::size_t i) {
    return longest > 1 ? kLeft + (kRight - kLeft) * static_cast<double>(i) /
                                     static_cast<double>(longest - 1)
                       : (kLeft + kRight) / 2;
  };
  auto y_of = [&](double v) {
    return kBottom - (kBottom - kTop) * (std::log10(v) - lo_dec) / (hi_dec - lo_dec);
  };

  // Decade grid, a label every few decades so that labels stay apart.
  const int decades = static_cast<int>(hi_dec - lo_dec);
  const int every = std::max(1, (decades + 5) / 6);
  os << R"(<g text-anchor="end" fill="#444">)";
  for (int e = static_cast<int>(lo_dec); e <= static_cast<int>(hi_dec); ++e) {
    const double y = y_of(std::pow(10.0, e));
    os << R"(<line x1=")" << px(kLeft) << R"(" x2=")" << px(kRight) << R"(" y1=")" << px(y)
       << R"(" y2=")" << px(y) << R"(" stroke="#eee"/>)";
    if ((e - static_cast<int>(lo_dec)) % every == 0)
      os << R"(<text x=")" << px(kLeft - 5) << R"(" y=")" << px(y + 3.5) << R"(">1e)" << e
         << "</text>";
  }
  os << "</g>";
  const std::size_t step = svg::label_step(longest, 10);
  os << R"(<g text-anchor="middle" fill="#444">)";
  for (std::size_t i = 0; i < longest; i += step)
    os << R"(<text x=")" << px(x_of(i)) << R"(" y=")" << px(kBottom + 14) << R"(">)" << i + 1
       << "</text>";
  os << "</g>";
  os << R"(<text x=")" << px((kLeft + kRight) / 2) << R"(" y=")" << px(kBottom + 32)
     << R"(" text-anchor="middle" font-size="11">eigenvalue rank (largest first); y: eigenvalue of the covariance, log scale</text>)";

  std::size_t k = 0;
  for (std::size_t c = 0; c < spectra.size(); ++c) {
    const auto& s = spectra[c];
    if (s.empty()) continue;
    const double t = drawn > 1 ? static_cast<double>(k) / static_cast<double>(drawn - 1) : 1.0;
    ++k;
    std::string points;
    for (std::size_t i = 0; i < s.size(); ++i)
      if (s[i] > 0 && std::isfinite(s[i]) && std::log10(s[i]) >= lo_dec)
        points += px(x_of(i)) + "," + px(y_of(s[i])) + " ";
    const std::string label =
        c < checkpoint_labels.size() ? checkpoint_labels[c] : std::to_string(c);
    os << R"(<polyline class="spectrum-line" fill="none" stroke=")" << ramp(t)
       << R"(" stroke-width="1.5" points=")" << points << R"("><title>checkpoint )"
       << svg::escape(label) << "</title></polyline>";
  }
  os << R"(<rect x=")" << px(kLeft) << R"(" y=")" << px(kTop) << R"(" width=")"
     << px(kRight - kLeft) << R"(" height=")" << px(kBottom - kTop)
     << R"(" fill="none" stroke="#999"/>)";
  // The colour key: first and last checkpoint (none for a single one).
  const double lx = kRight + 20;
  for (int i = 0; drawn > 1 && i < 10; ++i)
    os << R"(<rect x=")" << px(lx) << R"(" y=")" << px(kTop + 20 + 12 * i)
       << R"(" width="14" height="12" fill=")" << ramp(i / 9.0) << R"("/>)";
  if (drawn > 1)
    os << R"(<text x=")" << px(lx) << R"(" y=")" << px(kTop + 10) << R"(">first checkpoint</text>)"
       << R"(<text x=")" << px(lx) << R"(" y=")" << px(kTop + 20 + 120 + 12)
       << R"(">last checkpoint</text>)";
  os << "</svg>";
  return os.str();
}

}  // namespace embed_metrics::cli
