// `track --plot` draws a metric's spread (a `<key>_std` column, the standard
// deviation over k-means seeds) as a band around it: checked on the SVG.
#include <fstream>
#include <iterator>
#include <sstream>

#include "common/test_util.hpp"

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::pair<double, double>> points_of(const std::string& element) {
  const auto at = element.find("points=\"") + 8;
  std::istringstream in(element.substr(at, element.find('"', at) - at));
  std::vector<std::pair<double, double>> out;
  double x = 0, y = 0;
  char comma = 0;
  while (in >> x >> comma >> y) out.emplace_back(x, y);
  return out;
}

}  // namespace

TEST(TrackPlotBand, StdColumnIsABandAroundTheMetricScaledByTheSpread) {
  const auto dir = em_test::temp_dir("band").string();
  const std::string log = dir + "/log.csv", svg = dir + "/band.svg";
  {
    std::ofstream f(log);
    f << "epoch,silhouette,silhouette_std,knn_entropy,lp_accuracy\n"
      << "0,0.10,0.01,-3.0,0.50\n1,0.20,0.02,-2.0,0.60\n2,0.25,,-1.5,0.65\n"
      << "3,0.30,0.04,-1.0,0.70\n4,0.32,0.03,-0.8,0.72\n";
  }
  const auto r = em_test::run_tool("track --from-log '" + log + "' --plot '" + svg + "' --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string doc = slurp(svg);
  const auto panel_at = doc.find("<g class=\"panel\" data-metric=\"silhouette\"");
  ASSERT_NE(panel_at, std::string::npos);
  const std::string panel = doc.substr(panel_at, doc.find("</g>\n</g>", panel_at) - panel_at);
  // The missing spread at epoch 2 splits the band in two: epochs 0-1 and 3-4.
  std::vector<std::string> bands;
  for (auto p = panel.find("<polygon class=\"band\""); p != std::string::npos;
       p = panel.find("<polygon class=\"band\"", p + 1))
    bands.push_back(panel.substr(p, panel.find("</polygon>", p) - p));
  ASSERT_EQ(bands.size(), 2u);
  // The metric's own markers: the band is centred on them, its half-height
  // proportional to the spread (one y scale per panel).
  std::vector<double> cy;
  const auto series = panel.substr(panel.find("data-axis=\"left\""));
  for (auto p = series.find("<circle cx=\""); p != std::string::npos && cy.size() < 5;
       p = series.find("<circle cx=\"", p + 1)) {
    const auto q = series.find("cy=\"", p) + 4;
    cy.push_back(std::stod(series.substr(q, series.find('"', q) - q)));
  }
  ASSERT_EQ(cy.size(), 5u);
  const auto first = points_of(bands[0]), second = points_of(bands[1]);
  ASSERT_EQ(first.size(), 4u);  // upper edge of epochs 0, 1, then lower edge of 1, 0
  ASSERT_EQ(second.size(), 4u);
  const double half[] = {(first[3].second - first[0].second) / 2,
                         (first[2].second - first[1].second) / 2,
                         (second[3].second - second[0].second) / 2,
                         (second[2].second - second[1].second) / 2};
  const double centre[] = {(first[3].second + first[0].second) / 2,
                           (first[2].second + first[1].second) / 2,
                           (second[3].second + second[0].second) / 2,
                           (second[2].second + second[1].second) / 2};
  const int epoch[] = {0, 1, 3, 4};
  const double spread[] = {0.01, 0.02, 0.04, 0.03};
  // Pixels per unit of the left axis, from the markers of epochs 0 and 4.
  const double scale = (cy[0] - cy[4]) / (0.32 - 0.10);
  ASSERT_GT(scale, 0.0);
  for (int i = 0; i < 4; ++i) {
    SCOPED_TRACE(epoch[i]);
    // px() rounds to 0.1 of a pixel (every coordinate read here carries 0.05).
    EXPECT_NEAR(centre[i], cy[static_cast<std::size_t>(epoch[i])], 0.1);
    EXPECT_NEAR(half[i], spread[i] * scale, 0.15);
  }
  // No band where there is no spread column, and the legend names it.
  const auto other = doc.find("<g class=\"panel\" data-metric=\"knn_entropy\"");
  ASSERT_NE(other, std::string::npos);
  EXPECT_EQ(doc.substr(other, doc.find("</g>\n</g>", other) - other).find("class=\"band\""),
            std::string::npos);
  EXPECT_NE(doc.find("standard deviation over seeds"), std::string::npos);
}
