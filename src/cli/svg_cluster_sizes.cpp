#include "cli/svg_cluster_sizes.hpp"

#include <algorithm>
#include <functional>
#include <numeric>
#include <sstream>

#include "cli/output.hpp"
#include "cli/svg_util.hpp"

namespace embed_metrics::cli {

std::string svg_cluster_sizes(const std::vector<std::vector<std::int64_t>>& sizes,
                              const std::vector<std::string>& checkpoint_labels) {
  std::vector<std::size_t> shown;
  for (std::size_t c = 0; c < sizes.size(); ++c)
    if (!sizes[c].empty()) shown.push_back(c);
  constexpr double kLeft = 90, kBarW = 460, kTop = 24, kW = 680;
  const double row_h =
      std::clamp(520.0 / static_cast<double>(std::max<std::size_t>(1, shown.size())), 4.0, 18.0);
  // Labels need 13 px; rows thinner than that are labelled every few.
  const std::size_t every = svg::label_step(
      shown.size(),
      static_cast<std::size_t>(std::max(1.0, row_h * static_cast<double>(shown.size()) / 14.0)));
  const double h = kTop + row_h * static_cast<double>(shown.size()) + 12;
  std::ostringstream os;
  os << R"(<svg xmlns="http://www.w3.org/2000/svg" class="cluster-sizes" width=")" << kW
     << R"(" height=")" << svg::px(std::max(h, 60.0)) << R"(" viewBox="0 0 )" << kW << ' '
     << svg::px(std::max(h, 60.0)) << R"(" font-family="sans-serif" font-size="10">)"
     << R"(<rect width="100%" height="100%" fill="white"/>)";
  if (shown.empty()) {
    os << R"(<text x="20" y="36" font-size="12" fill="#777">no clustering was run</text></svg>)";
    return os.str();
  }
  os << R"(<text x=")" << kLeft
     << R"(" y="14" font-size="11">share of the points in each cluster of C1, largest first</text>)";
  os << R"(<text x=")" << kLeft + kBarW + 10 << R"(" y="14" font-size="11">largest</text>)";
  for (std::size_t r = 0; r < shown.size(); ++r) {
    const std::size_t c = shown[r];
    std::vector<std::int64_t> s = sizes[c];
    std::sort(s.begin(), s.end(), std::greater<>());
    const double total = static_cast<double>(std::accumulate(s.begin(), s.end(), std::int64_t{0}));
    const double y = kTop + row_h * static_cast<double>(r);
    const std::string label =
        c < checkpoint_labels.size() ? checkpoint_labels[c] : std::to_string(c);
    os << R"(<g class="cluster-row">)";
    double x = kLeft;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const double w = total > 0 ? kBarW * static_cast<double>(s[i]) / total : 0;
      os << R"(<rect x=")" << svg::px(x) << R"(" y=")" << svg::px(y) << R"(" width=")" << svg::px(w)
         << R"(" height=")" << svg::px(row_h - (row_h > 6 ? 1.5 : 0.5)) << R"(" fill=")"
         << (i % 2 ? "#9ecae1" : "#3182bd") << R"("><title>checkpoint )" << svg::escape(label)
         << ", cluster " << i + 1 << ": " << s[i] << " points</title></rect>";
      x += w;
    }
    if (r % every == 0) {
      const std::string share =
          printed("%.0f%%", total > 0 ? 100.0 * static_cast<double>(s[0]) / total : 0.0);
      const double ty = y + std::max(row_h, 10.0) / 2 + 3.5;
      os << R"(<text x=")" << kLeft - 6 << R"(" y=")" << svg::px(ty) << R"(" text-anchor="end">)"
         << svg::escape(svg::fit(label, kLeft - 10, 10)) << "</text>"
         << R"(<text x=")" << kLeft + kBarW + 10 << R"(" y=")" << svg::px(ty) << R"(">)" << share
         << "</text>";
    }
    os << "</g>";
  }
  os << "</svg>";
  return os.str();
}

}  // namespace embed_metrics::cli
