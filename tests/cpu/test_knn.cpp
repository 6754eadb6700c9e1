// Exact kNN on the CPU against brute force (NumPy golden values and an
// in-test float64 search), with duplicates, ties, tiling and bad k; and the
// leave-one-out kNN classifier accuracy.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "common/test_util.hpp"
#include "embed_metrics/error.hpp"
#include "embed_metrics/knn.hpp"

namespace em = embed_metrics;

namespace {

void expect_matches(const em::knn_result& got, const nlohmann::json& want_idx,
                    const nlohmann::json& want_dist) {
  ASSERT_EQ(got.n, static_cast<std::int64_t>(want_idx.size()));
  for (std::int64_t i = 0; i < got.n; ++i)
    for (std::int64_t j = 0; j < got.k; ++j) {
      EXPECT_EQ(got.index(i, j), want_idx[i][j].get<std::int64_t>()) << "row " << i << " rank " << j;
      const double w = want_dist[i][j].get<double>();
      EXPECT_NEAR(got.distance(i, j), w, 1e-6 * (1.0 + w)) << "row " << i << " rank " << j;
    }
}

// Float64 brute force: the k nearest other rows, ties by smaller index.
std::vector<std::int64_t> brute_force(const em::host_matrix& x, std::int64_t k) {
  const std::int64_t n = x.rows();
  std::vector<std::int64_t> out(static_cast<std::size_t>(n * k));
  std::vector<std::pair<double, std::int64_t>> all;
  for (std::int64_t i = 0; i < n; ++i) {
    all.clear();
    for (std::int64_t j = 0; j < n; ++j) {
      if (j == i) continue;
      double s = 0.0;
      for (std::int64_t c = 0; c < x.cols(); ++c) {
        const double e = static_cast<double>(x(i, c)) - x(j, c);
        s += e * e;
      }
      all.emplace_back(s, j);
    }
    std::partial_sort(all.begin(), all.begin() + k, all.end());
    for (std::int64_t c = 0; c < k; ++c) out[static_cast<std::size_t>(i * k + c)] = all[static_cast<std::size_t>(c)].second;
  }
  return out;
}

}  // namespace

TEST(Knn, EuclideanAndCosineMatchNumPyBruteForce) {
  const auto g = em_test::load_golden("entropy.json")["knn"];
  const auto x = em_test::matrix_from_json(g["x"]);
  em::resources res("cpu", 2);
  for (const auto& c : g["cases"]) {
    SCOPED_TRACE(c["metric"].get<std::string>());
    const auto metric = c["metric"] == "cosine" ? em::knn_metric::cosine : em::knn_metric::euclidean;
    const auto r = em::knn(res, x.view(), c["k"].get<std::int64_t>(), metric);
    EXPECT_EQ(r.k, c["k"].get<std::int64_t>());
    expect_matches(r, c["indices"], c["distances"]);
  }
}

TEST(Knn, DuplicatesAndExactTiesResolvedBySmallerIndex) {
  // 40 points on a 3x3x3 integer grid: many duplicates (distance 0) and many
  // equal distances; small integers make every float32 distance exact.
  const auto g = em_test::load_golden("entropy.json")["knn"]["ties"];
  const auto x = em_test::matrix_from_json(g["x"]);
  for (int threads : {1, 2}) {
    em::resources res("cpu", threads);
    const auto r = em::knn(res, x.view(), g["k"].get<std::int64_t>());
    expect_matches(r, g["indices"], g["distances"]);
  }
}

TEST(Knn, DuplicateIsFoundAtDistanceZeroAndSelfIsExcluded) {
  auto x = em_test::random_normal(50, 7, em_test::test_seed(41));
  for (std::int64_t c = 0; c < 7; ++c) x(30, c) = x(12, c);
  em::resources res("cpu", 2);
  const auto r = em::knn(res, x.view(), 3);
  EXPECT_EQ(r.index(12, 0), 30);
  EXPECT_EQ(r.distance(12, 0), 0.0f);
  EXPECT_EQ(r.index(30, 0), 12);
  EXPECT_EQ(r.distance(30, 0), 0.0f);
  for (std::int64_t i = 0; i < r.n; ++i)
    for (std::int64_t j = 0; j < r.k; ++j) {
      EXPECT_NE(r.index(i, j), i);
      if (j > 0) {
        EXPECT_LE(r.distance(i, j - 1), r.distance(i, j));
      }
    }
}

TEST(Knn, SeveralTilesMatchFloat64BruteForce) {
  // n above the 2048-column tile and the 256-row tile of 2 threads.
  const auto seed = em_test::test_seed(42);
  const auto x = em_test::random_normal(2300, 8, seed);
  const std::int64_t k = 5;
  const auto want = brute_force(x, k);
  em::resources res("cpu", 2);
  const auto r = em::knn(res, x.view(), k);
  EXPECT_EQ(r.indices, want);
  em::resources one("cpu", 1);
  const auto r1 = em::knn(one, x.view(), k);
  EXPECT_EQ(r1.indices, r.indices);
  EXPECT_EQ(r1.distances, r.distances);
}

TEST(Knn, LargeOffsetDoesNotBreakNeighbours) {
  // ||x||^2 dominates the GEMM form; the refined distances are still exact.
  auto x = em_test::random_normal(300, 5, em_test::test_seed(43));
  for (std::int64_t i = 0; i < 300; ++i)
    for (std::int64_t c = 0; c < 5; ++c) x(i, c) += 100.0f;
  em::resources res("cpu", 2);
  const auto r = em::knn(res, x.view(), 2);
  const auto want = brute_force(x, 2);
  std::int64_t mismatches = 0;
  for (std::size_t t = 0; t < want.size(); ++t) mismatches += r.indices[t] != want[t];
  EXPECT_EQ(mismatches, 0);
}

TEST(Knn, KOutOfRangeIsAnError) {
  const auto x = em_test::random_normal(10, 3, em_test::test_seed(44));
  em::resources res("cpu");
  EXPECT_THROW((void)em::knn(res, x.view(), 10), em::invalid_argument);
  EXPECT_THROW((void)em::knn(res, x.view(), 0), em::invalid_argument);
  const auto r = em::knn(res, x.view(), 9);  // every other row
  for (std::int64_t i = 0; i < 10; ++i) {
    std::vector<std::int64_t> row(r.indices.begin() + i * 9, r.indices.begin() + (i + 1) * 9);
    std::sort(row.begin(), row.end());
    std::vector<std::int64_t> others;
    for (std::int64_t j = 0; j < 10; ++j)
      if (j != i) others.push_back(j);
    EXPECT_EQ(row, others);
  }
  try {
    (void)em::knn(res, x.view(), 12);
    FAIL();
  } catch (const em::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("x has 10"), std::string::npos) << e.what();
  }
}

TEST(KnnAccuracy, TieGoesToTheNearestClass) {
  // 1-D: with k = 2 every vote is 1-1. Rows 0 and 1 (label 5) are each other's
  // nearest, so they are right; row 2 (label 7) has only label-5 neighbours.
  // Ties to the farther class would give 0/3.
  const std::vector<float> v{0.0f, 1.0f, -2.0f};
  const em::matrix_view x(v.data(), 3, 1);
  const std::vector<std::int64_t> labels{5, 5, 7};
  em::resources res("cpu");
  EXPECT_DOUBLE_EQ(em::knn_accuracy(res, x, labels, 2), 2.0 / 3.0);
}

TEST(KnnAccuracy, SeparatedBlobsAreClassifiedAndShuffledLabelsAreNot) {
  const auto b = em_test::make_blobs(400, 8, 4, 30.0, em_test::test_seed(45));
  em::resources res("cpu", 2);
  EXPECT_DOUBLE_EQ(em::knn_accuracy(res, b.x.view(), b.labels, 20), 1.0);
  const auto shuffled = em_test::random_labels(400, 4, em_test::test_seed(46));
  EXPECT_LT(em::knn_accuracy(res, b.x.view(), shuffled, 20), 0.5);
  const std::vector<std::int64_t> short_labels(399, 0);
  EXPECT_THROW((void)em::knn_accuracy(res, b.x.view(), short_labels), em::invalid_argument);
}

TEST(Knn, StridedViewEqualsPackedCopy) {
  const auto base = em_test::random_normal(90, 12, em_test::test_seed(47));
  const em::matrix_view strided(base.data(), 90, 7, 12);  // first 7 columns
  em::host_matrix packed(90, 7);
  for (std::int64_t i = 0; i < 90; ++i)
    for (std::int64_t c = 0; c < 7; ++c) packed(i, c) = base(i, c);
  em::resources res("cpu", 2);
  for (auto metric : {em::knn_metric::euclidean, em::knn_metric::cosine}) {
    const auto a = em::knn(res, strided, 4, metric);
    const auto b = em::knn(res, packed.view(), 4, metric);
    EXPECT_EQ(a.indices, b.indices);
    EXPECT_EQ(a.distances, b.distances);
  }
}
