// Agreement scores on the CPU against scikit-learn's golden values, the
// matching against brute force, and the input checks.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "common/test_util.hpp"
#include "cpu/contingency.hpp"
#include "cpu/emi_pair.hpp"
#include "cpu/hungarian.hpp"
#include "embed_metrics/agreement.hpp"
#include "embed_metrics/error.hpp"

namespace em = embed_metrics;

namespace {

std::vector<std::int64_t> to_labels(const nlohmann::json& j) {
  std::vector<std::int64_t> v;
  for (const auto& x : j) v.push_back(x.get<std::int64_t>());
  return v;
}

// Golden values are compared within 1e-10 absolute, 1e-9 for AMI (whose
// denominator H - EMI can be small, amplifying scikit-learn's own rounding).
constexpr double kTol = 1e-10;
constexpr double kTolAmi = 1e-9;

}  // namespace

TEST(Agreement, MatchesScikitLearnGolden) {
  const auto golden = em_test::load_golden("agreement.json");
  em::resources res("cpu");
  const std::vector<std::string> averages = {"arithmetic", "geometric", "min", "max"};
  int checked = 0;
  for (const auto& c : golden["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const auto a = to_labels(c["a"]);
    const auto b = to_labels(c["b"]);
    const auto& e = c["expected"];
    for (const auto& avg : averages) {
      em::agreement_params p;
      p.average = em::parse_average_method(avg);
      const auto r = em::agreement(res, a, b, p);
      SCOPED_TRACE(avg);
      EXPECT_EQ(r.n, static_cast<std::int64_t>(a.size()));
      EXPECT_EQ(r.clusters_a, e["clusters_a"].get<std::int64_t>());
      EXPECT_EQ(r.clusters_b, e["clusters_b"].get<std::int64_t>());
      if (c.contains("ami_overrides") && c["ami_overrides"].contains(avg)) {
        // A 0 / 0 case where scikit-learn returns rounding noise; the
        // library's documented value (see make_agreement.py).
        EXPECT_EQ(r.ami, c["ami_overrides"][avg].get<double>());
      } else {
        EXPECT_NEAR(r.ami, e["ami_" + avg].get<double>(), kTolAmi);
      }
      EXPECT_NEAR(r.nmi, e["nmi_" + avg].get<double>(), kTol);
      EXPECT_NEAR(r.ari, e["ari"].get<double>(), kTol);
      EXPECT_NEAR(r.mi, e["mi"].get<double>(), kTol);
      EXPECT_NEAR(r.expected_mi, e["expected_mi"].get<double>(), kTol);
      EXPECT_NEAR(r.homogeneity, e["homogeneity"].get<double>(), kTol);
      EXPECT_NEAR(r.completeness, e["completeness"].get<double>(), kTol);
      EXPECT_NEAR(r.v_measure, e["v_measure"].get<double>(), kTol);
      EXPECT_NEAR(r.fowlkes_mallows, e["fowlkes_mallows"].get<double>(), kTol);
      EXPECT_NEAR(r.purity, e["purity"].get<double>(), kTol);
      EXPECT_NEAR(r.accuracy, e["accuracy"].get<double>(), kTol);
      ++checked;
    }
    em::agreement_params p2;
    p2.beta = 2.0;
    EXPECT_NEAR(em::agreement(res, a, b, p2).v_measure, e["v_measure_beta2"].get<double>(), kTol);
  }
  EXPECT_GE(checked, 4 * 25);
}

TEST(Agreement, SymmetricScoresAreSymmetricAndSwapHomogeneity) {
  const auto seed = em_test::test_seed(41);
  const auto a = em_test::random_labels(2000, 13, seed);
  const auto b = em_test::random_labels(2000, 29, seed + 1);
  em::resources res("cpu");
  const auto ab = em::agreement(res, a, b);
  const auto ba = em::agreement(res, b, a);
  EXPECT_NEAR(ab.ami, ba.ami, 1e-13);
  EXPECT_NEAR(ab.ari, ba.ari, 1e-15);
  EXPECT_NEAR(ab.expected_mi, ba.expected_mi, 1e-13);
  EXPECT_NEAR(ab.homogeneity, ba.completeness, 1e-13);
  EXPECT_NEAR(ab.accuracy, ba.accuracy, 0.0);
}

TEST(Agreement, ThreadCountDoesNotChangeBits) {
  const auto seed = em_test::test_seed(42);
  const auto a = em_test::random_labels(50000, 300, seed);
  const auto b = em_test::random_labels(50000, 200, seed + 1);
  em::resources one("cpu", 1), two("cpu", 2);
  const auto r1 = em::agreement(one, a, b);
  const auto r2 = em::agreement(two, a, b);
  EXPECT_EQ(r1.ami, r2.ami);
  EXPECT_EQ(r1.mi, r2.mi);
  EXPECT_EQ(r1.expected_mi, r2.expected_mi);
  EXPECT_EQ(r1.accuracy, r2.accuracy);
}

TEST(Agreement, ContingencyTableOfSmallLabels) {
  const std::vector<std::int64_t> a = {7, -3, 7, 7, 1000000000000LL, -3};
  const std::vector<std::int64_t> b = {0, 0, 1, 1, 1, 5};
  em::resources res("cpu");
  const auto t = em::contingency(res, a, b);
  EXPECT_EQ(t.n, 6);
  EXPECT_EQ(t.values_a, (std::vector<std::int64_t>{-3, 7, 1000000000000LL}));
  EXPECT_EQ(t.values_b, (std::vector<std::int64_t>{0, 1, 5}));
  EXPECT_EQ(t.sizes_a, (std::vector<std::int64_t>{2, 3, 1}));
  EXPECT_EQ(t.sizes_b, (std::vector<std::int64_t>{2, 3, 1}));
  // Cells (row, col, count), sorted: (-3,0)=1 (-3,5)=1 (7,0)=1 (7,1)=2 (1e12,1)=1.
  EXPECT_EQ(t.row, (std::vector<std::int64_t>{0, 0, 1, 1, 2}));
  EXPECT_EQ(t.col, (std::vector<std::int64_t>{0, 2, 0, 1, 1}));
  EXPECT_EQ(t.count, (std::vector<std::int64_t>{1, 1, 1, 2, 1}));
}

TEST(Agreement, DenseAndSortedCountingAgree) {
  // Many clusters on both sides (ka * kb > 4 n) take the sorted-key path;
  // spreading the values (x 2^40) takes the sort/unique remap. Both must give
  // the same table as the direct path.
  const auto seed = em_test::test_seed(43);
  auto a = em_test::random_labels(30000, 3000, seed);
  auto b = em_test::random_labels(30000, 3000, seed + 1);
  em::resources res("cpu");
  const auto t1 = em::contingency(res, a, b);
  for (auto& x : a) x = x * (std::int64_t{1} << 40) - (std::int64_t{1} << 62);
  const auto t2 = em::contingency(res, a, b);
  EXPECT_EQ(t1.sizes_a, t2.sizes_a);
  EXPECT_EQ(t1.row, t2.row);
  EXPECT_EQ(t1.col, t2.col);
  EXPECT_EQ(t1.count, t2.count);
  std::int64_t total = 0;
  for (auto c : t1.count) total += c;
  EXPECT_EQ(total, 30000);
}

TEST(Agreement, EmiPairMatchesFullSum) {
  // The mode walk against the plain sum over the whole support (lgamma per
  // term), for sizes where the full sum is cheap and exact enough.
  for (std::int64_t n : {2, 7, 100, 1000, 100000}) {
    for (std::int64_t a : {std::int64_t{1}, n / 3 + 1, n / 2 + 1, n}) {
      for (std::int64_t b : {std::int64_t{1}, n / 5 + 1, n - 1 > 0 ? n - 1 : 1, n}) {
        if (a > n || b > n) continue;
        double full = 0.0;
        const std::int64_t lo = std::max<std::int64_t>(1, a + b - n);
        const auto ad = static_cast<double>(a), bd = static_cast<double>(b), nd = static_cast<double>(n);
        for (std::int64_t k = lo; k <= std::min(a, b); ++k) {
          const auto kd = static_cast<double>(k);
          const double lp = std::lgamma(ad + 1.0) + std::lgamma(bd + 1.0) + std::lgamma(nd - ad + 1.0) +
                            std::lgamma(nd - bd + 1.0) - std::lgamma(nd + 1.0) - std::lgamma(kd + 1.0) -
                            std::lgamma(ad - kd + 1.0) - std::lgamma(bd - kd + 1.0) -
                            std::lgamma(nd - ad - bd + kd + 1.0);
          full += std::exp(lp) * (kd / nd) * (std::log(nd) + std::log(kd) - std::log(ad) - std::log(bd));
        }
        const double walk = em::detail::emi_pair(a, b, n, std::log(static_cast<double>(n)));
        EXPECT_NEAR(walk, full, 1e-12 * (1.0 + std::abs(full))) << n << " " << a << " " << b;
      }
    }
  }
}

TEST(Agreement, HungarianMatchesBruteForce) {
  const auto seed = em_test::test_seed(44);
  std::mt19937_64 rng(seed);
  for (int trial = 0; trial < 200; ++trial) {
    const std::int64_t rows = 1 + static_cast<std::int64_t>(rng() % 6);
    const std::int64_t cols = 1 + static_cast<std::int64_t>(rng() % 6);
    std::vector<std::int64_t> w(static_cast<std::size_t>(rows * cols));
    for (auto& x : w) x = (rng() % 3 == 0) ? 0 : static_cast<std::int64_t>(rng() % 50);
    // Brute force: every injection of the smaller side into the larger.
    const bool t = rows > cols;
    const std::int64_t small = t ? cols : rows, large = t ? rows : cols;
    std::vector<std::int64_t> perm(static_cast<std::size_t>(large));
    std::iota(perm.begin(), perm.end(), 0);
    std::int64_t best = 0;
    do {
      std::int64_t s = 0;
      for (std::int64_t i = 0; i < small; ++i)
        s += t ? w[perm[i] * cols + i] : w[i * cols + perm[i]];
      best = std::max(best, s);
    } while (std::next_permutation(perm.begin(), perm.end()));
    EXPECT_EQ(em::cpu::max_weight_matching_dense(w.data(), rows, cols), best)
        << rows << "x" << cols << " trial " << trial;
  }
}

TEST(Agreement, ComponentsGiveTheSameMatchingAsOneDenseTable) {
  const auto seed = em_test::test_seed(45);
  // Block-structured labels: several disconnected blocks plus noise-free singletons.
  std::mt19937_64 rng(seed);
  std::vector<std::int64_t> a, b;
  for (int blk = 0; blk < 6; ++blk)
    for (int i = 0; i < 300; ++i) {
      a.push_back(blk * 10 + static_cast<std::int64_t>(rng() % 4));
      b.push_back(blk * 10 + static_cast<std::int64_t>(rng() % 7));
    }
  em::resources res("cpu");
  const auto t = em::contingency(res, a, b);
  const auto ka = static_cast<std::int64_t>(t.sizes_a.size());
  const auto kb = static_cast<std::int64_t>(t.sizes_b.size());
  std::vector<std::int64_t> dense(static_cast<std::size_t>(ka * kb), 0);
  for (std::size_t c = 0; c < t.count.size(); ++c) dense[t.row[c] * kb + t.col[c]] = t.count[c];
  EXPECT_EQ(em::cpu::max_matching_count(t, 1 << 20), em::cpu::max_weight_matching_dense(dense.data(), ka, kb));
  EXPECT_EQ(em::cpu::max_matching_count(t, 4), -1);  // a block over the limit
  em::agreement_params p;
  p.max_matching_cells = 4;
  EXPECT_TRUE(std::isnan(em::agreement(res, a, b, p).accuracy));
  p.accuracy = false;
  EXPECT_TRUE(std::isnan(em::agreement(res, a, b, p).accuracy));
}

TEST(Agreement, AllSingletonsOnBothSidesAtLargeN) {
  // Identical partitions; 10^5 one-point clusters on each side: the dense table
  // would have 10^10 cells, the sparse one has 10^5, and matching splits into
  // 1 x 1 blocks.
  const std::int64_t n = 100000;
  std::vector<std::int64_t> a(n), b(n);
  std::iota(a.begin(), a.end(), 0);
  for (std::int64_t i = 0; i < n; ++i) b[i] = (i * 7919) % n;  // 7919 is prime: a permutation
  em::resources res("cpu");
  const auto r = em::agreement(res, a, b);
  EXPECT_EQ(r.clusters_a, n);
  EXPECT_EQ(r.ami, 1.0);
  EXPECT_EQ(r.ari, 1.0);
  EXPECT_NEAR(r.nmi, 1.0, 1e-11);  // MI and H by different formulas, as scikit-learn
  EXPECT_EQ(r.accuracy, 1.0);
  EXPECT_EQ(r.purity, 1.0);
  EXPECT_NEAR(r.mi, std::log(static_cast<double>(n)), 1e-11);
  EXPECT_NEAR(r.expected_mi, std::log(static_cast<double>(n)), 1e-11);  // EMI = H here
}

TEST(Agreement, RejectsBadInput) {
  em::resources res("cpu");
  const std::vector<std::int64_t> empty;
  const std::vector<std::int64_t> three = {1, 2, 3};
  const std::vector<std::int64_t> two = {1, 2};
  EXPECT_THROW((void)em::agreement(res, empty, empty), em::invalid_argument);
  EXPECT_THROW((void)em::agreement(res, three, two), em::invalid_argument);
  EXPECT_THROW((void)em::contingency(res, empty, empty), em::invalid_argument);
  const em::label_view dev(three.data(), 3, em::memory_space::device);
  EXPECT_THROW((void)em::agreement(res, dev, three), em::invalid_argument);
  EXPECT_THROW((void)em::parse_average_method("mean"), em::invalid_argument);
  try {
    (void)em::agreement(res, three, two);
  } catch (const em::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("labels a has 3 entries, labels b 2"), std::string::npos)
        << e.what();
  }
  em::contingency_table t;
  EXPECT_THROW((void)em::agreement(res, t), em::invalid_argument);  // n = 0
  t.n = 3;
  t.sizes_a = {2, 1};
  t.sizes_b = {3};
  t.row = {0, 1};
  t.col = {0, 0};
  t.count = {2, 2};  // row 1 sums to 2, not 1
  EXPECT_THROW((void)em::agreement(res, t), em::invalid_argument);
  t.count = {2, 1};
  EXPECT_NO_THROW((void)em::agreement(res, t));
  t.row = {1, 0};  // out of order
  t.count = {1, 2};
  EXPECT_THROW((void)em::agreement(res, t), em::invalid_argument);
}

TEST(Agreement, AverageMethodNames) {
  for (auto m : {em::average_method::arithmetic, em::average_method::geometric,
                 em::average_method::min, em::average_method::max})
    EXPECT_EQ(em::parse_average_method(em::to_string(m)), m);
}

TEST(Agreement, SyntheticTablesUpTo3e9PointsDoNotOverflow) {
  // References from exact integer arithmetic (tests/golden/make_agreement_big.py).
  const auto golden = em_test::load_golden("agreement_big.json");
  em::resources res("cpu");
  for (const auto& c : golden["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    em::contingency_table t;
    t.n = c["n"].get<std::int64_t>();
    t.sizes_a = to_labels(c["sizes_a"]);
    t.sizes_b = to_labels(c["sizes_b"]);
    t.row = to_labels(c["row"]);
    t.col = to_labels(c["col"]);
    t.count = to_labels(c["count"]);
    const auto r = em::agreement(res, t);
    auto rel = [](const nlohmann::json& j) { return 1e-12 * std::abs(j.get<double>()) + 1e-300; };
    EXPECT_EQ(r.n, t.n);
    EXPECT_NEAR(r.ari, c["ari"].get<double>(), rel(c["ari"]) + 1e-16);
    EXPECT_NEAR(r.fowlkes_mallows, c["fowlkes_mallows"].get<double>(), rel(c["fowlkes_mallows"]));
    EXPECT_NEAR(r.entropy_a, c["entropy_a"].get<double>(), rel(c["entropy_a"]));
    EXPECT_NEAR(r.entropy_b, c["entropy_b"].get<double>(), rel(c["entropy_b"]));
    EXPECT_NEAR(r.mi, c["mi"].get<double>(), 1e-10 * c["mi"].get<double>());
    EXPECT_NEAR(r.homogeneity, c["homogeneity"].get<double>(), 1e-10);
    EXPECT_NEAR(r.completeness, c["completeness"].get<double>(), 1e-10);
    EXPECT_NEAR(r.v_measure, c["v_measure"].get<double>(), 1e-10);
    EXPECT_NEAR(r.nmi, c["nmi_arithmetic"].get<double>(), 1e-10);
    EXPECT_EQ(r.purity, c["purity"].get<double>());
    EXPECT_EQ(r.accuracy, c["accuracy"].get<double>());
    const double emi = c["expected_mi"].get<double>();
    if (c["emi_mode"] == "exact") {
      EXPECT_NEAR(r.expected_mi, emi, 1e-9 * emi);
      EXPECT_NEAR(r.ami, c["ami_arithmetic"].get<double>(), 1e-9);
    } else {
      EXPECT_NEAR(r.expected_mi, emi, 1e-6 * emi);  // asymptotic (ka-1)(kb-1)/(2n)
      EXPECT_GT(r.ami, 0.0);
    }
  }
}
