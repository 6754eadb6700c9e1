// Bootstrap intervals of the correlations against NumPy/SciPy
// (tests/golden/make_correlation_bootstrap.py, which draws the same
// resampling indices with its own Philox).
#include <cmath>

#include "common/test_util.hpp"
#include "embed_metrics/correlation.hpp"
#include "embed_metrics/error.hpp"

namespace em = embed_metrics;

namespace {

void expect_interval(const em::interval& got, const nlohmann::json& want, const std::string& what) {
  if (want[0].is_null()) {
    EXPECT_TRUE(std::isnan(got.low) && std::isnan(got.high)) << what;
    return;
  }
  EXPECT_NEAR(got.low, want[0].get<double>(), 1e-12) << what << " low";
  EXPECT_NEAR(got.high, want[1].get<double>(), 1e-12) << what << " high";
}

}  // namespace

TEST(CorrelationBootstrap, MatchesNumpyReference) {
  const auto golden = em_test::load_golden("correlation_bootstrap.json");
  ASSERT_GE(golden["cases"].size(), 5u);
  for (const auto& c : golden["cases"]) {
    const std::string name = c["name"];
    SCOPED_TRACE(name);
    const auto x = c["x"].get<std::vector<double>>();
    const auto y = c["y"].get<std::vector<double>>();
    em::bootstrap_params p;
    p.resamples = c["resamples"];
    p.confidence = c["confidence"];
    p.seed = c["seed"];
    // The indices first: a mismatch there is a different resampling, not
    // different arithmetic.
    EXPECT_EQ(em::bootstrap_indices(x.size(), 0, p.seed), c["indices_first"].get<std::vector<std::size_t>>());
    EXPECT_EQ(em::bootstrap_indices(x.size(), static_cast<std::uint32_t>(p.resamples - 1), p.seed),
              c["indices_last"].get<std::vector<std::size_t>>());
    const auto r = em::bootstrap_correlations(x, y, p);
    EXPECT_EQ(r.resamples, p.resamples);
    expect_interval(r.pearson, c["pearson"], "pearson");
    expect_interval(r.spearman, c["spearman"], "spearman");
    expect_interval(r.kendall, c["kendall"], "kendall");
    EXPECT_EQ(r.undefined_pearson, c["undefined_pearson"].get<int>());
    EXPECT_EQ(r.undefined_spearman, c["undefined_spearman"].get<int>());
    EXPECT_EQ(r.undefined_kendall, c["undefined_kendall"].get<int>());
  }
}

TEST(CorrelationBootstrap, IntervalHoldsThePointEstimateAndIsReproducible) {
  std::vector<double> x, y;
  for (int i = 0; i < 16; ++i) {
    x.push_back(std::sin(1.3 * i) + 0.2 * i);
    y.push_back(0.8 + 0.01 * i + 0.02 * std::cos(2.1 * i));
  }
  const auto point = em::correlate(x, y);
  const auto a = em::bootstrap_correlations(x, y);
  const auto b = em::bootstrap_correlations(x, y);
  EXPECT_EQ(a.resamples, 2000);
  EXPECT_EQ(a.spearman.low, b.spearman.low);
  EXPECT_EQ(a.kendall.high, b.kendall.high);
  EXPECT_LT(a.spearman.low, point.spearman);
  EXPECT_GT(a.spearman.high, point.spearman);
  EXPECT_LT(a.pearson.low, a.pearson.high);
  // Another key draws other resamples, so (almost surely) other ends.
  em::bootstrap_params other;
  other.seed = 99;
  EXPECT_NE(em::bootstrap_correlations(x, y, other).spearman.low, a.spearman.low);
}

TEST(CorrelationBootstrap, ConstantMeanIsStillConstant) {
  // 0.1 three times has a mean one ulp off 0.1: still a constant series.
  EXPECT_TRUE(std::isnan(em::pearson({0.1, 0.1, 0.1}, {1, 2, 3})));
}

TEST(CorrelationBootstrap, BadParams) {
  em::bootstrap_params p;
  p.resamples = 0;
  EXPECT_THROW((void)em::bootstrap_correlations({1, 2, 3}, {3, 1, 2}, p), em::invalid_argument);
  p.resamples = 10;
  p.confidence = 1.0;
  EXPECT_THROW((void)em::bootstrap_correlations({1, 2, 3}, {3, 1, 2}, p), em::invalid_argument);
  EXPECT_THROW((void)em::bootstrap_correlations({1}, {1}), em::invalid_argument);
}
