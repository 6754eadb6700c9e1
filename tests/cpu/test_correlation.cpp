// Correlations against SciPy (tests/golden/make_correlation.py).
#include <cmath>

#include "common/test_util.hpp"
#include "embed_metrics/correlation.hpp"
#include "embed_metrics/error.hpp"

namespace em = embed_metrics;

TEST(Correlation, MatchesScipy) {
  const auto golden = em_test::load_golden("correlation.json");
  ASSERT_GE(golden["cases"].size(), 5u);
  for (const auto& c : golden["cases"]) {
    const auto x = c["x"].get<std::vector<double>>();
    const auto y = c["y"].get<std::vector<double>>();
    const auto r = em::correlate(x, y);
    const std::string name = c["name"];
    EXPECT_NEAR(r.pearson, c["pearson"].get<double>(), 1e-12) << name;
    EXPECT_NEAR(r.spearman, c["spearman"].get<double>(), 1e-12) << name;
    EXPECT_NEAR(r.kendall, c["kendall"].get<double>(), 1e-12) << name;
  }
}

TEST(Correlation, ConstantSeriesIsNaN) {
  const std::vector<double> x{1, 1, 1, 1}, y{1, 2, 3, 4};
  EXPECT_TRUE(std::isnan(em::pearson(x, y)));
  EXPECT_TRUE(std::isnan(em::spearman(x, y)));
  EXPECT_TRUE(std::isnan(em::kendall(x, y)));
}

TEST(Correlation, BadInputs) {
  EXPECT_THROW((void)em::pearson({1, 2, 3}, {1, 2}), em::invalid_argument);
  EXPECT_THROW((void)em::spearman({1}, {1}), em::invalid_argument);
  EXPECT_THROW((void)em::kendall({1, NAN}, {1, 2}), em::invalid_argument);
}
