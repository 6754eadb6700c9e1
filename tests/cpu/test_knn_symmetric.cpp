// The symmetric CPU kNN search (each pair computed once, in 512 x 512 tiles,
// offered to the lists of both its rows) against a float64 brute force that
// computes every pair in both directions: ties and duplicates across tile
// borders, a tail block, both metrics, and the same bits for any thread count.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "common/test_util.hpp"
#include "embed_metrics/knn.hpp"

namespace em = embed_metrics;

namespace {

struct reference {
  std::vector<std::int64_t> indices;
  std::vector<double> distances;
};

// Every ordered pair (i, j), j != i, in float64; the k smallest by
// (distance, index).
reference brute_force(const em::host_matrix& x, std::int64_t k, em::knn_metric metric) {
  const std::int64_t n = x.rows();
  const std::int64_t d = x.cols();
  std::vector<double> norm(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    double s = 0.0;
    for (std::int64_t c = 0; c < d; ++c) s += static_cast<double>(x(i, c)) * x(i, c);
    norm[static_cast<std::size_t>(i)] = std::sqrt(s);
  }
  reference out;
  std::vector<std::pair<double, std::int64_t>> all;
  for (std::int64_t i = 0; i < n; ++i) {
    all.clear();
    for (std::int64_t j = 0; j < n; ++j) {
      if (j == i) continue;
      double v = 0.0;
      if (metric == em::knn_metric::euclidean) {
        for (std::int64_t c = 0; c < d; ++c) {
          const double e = static_cast<double>(x(i, c)) - x(j, c);
          v += e * e;
        }
        v = std::sqrt(v);
      } else {
        double dot = 0.0;
        for (std::int64_t c = 0; c < d; ++c) dot += static_cast<double>(x(i, c)) * x(j, c);
        const double nn = norm[static_cast<std::size_t>(i)] * norm[static_cast<std::size_t>(j)];
        v = nn > 0.0 ? std::clamp(1.0 - dot / nn, 0.0, 2.0) : 1.0;
      }
      all.emplace_back(v, j);
    }
    std::partial_sort(all.begin(), all.begin() + k, all.end());
    for (std::int64_t c = 0; c < k; ++c) {
      out.indices.push_back(all[static_cast<std::size_t>(c)].second);
      out.distances.push_back(all[static_cast<std::size_t>(c)].first);
    }
  }
  return out;
}

void expect_equal(const em::knn_result& got, const reference& want) {
  ASSERT_EQ(got.indices.size(), want.indices.size());
  std::int64_t wrong = 0;
  for (std::size_t t = 0; t < want.indices.size(); ++t) {
    if (got.indices[t] != want.indices[t] && wrong++ < 5)
      ADD_FAILURE() << "row " << static_cast<std::int64_t>(t) / got.k << " rank "
                    << static_cast<std::int64_t>(t) % got.k << ": " << got.indices[t] << ", want "
                    << want.indices[t];
    EXPECT_NEAR(got.distances[t], want.distances[t], 1e-6 * (1.0 + want.distances[t]));
  }
  EXPECT_EQ(wrong, 0);
}

// Small integer coordinates: few distinct points (many exact duplicates) and
// many equal distances; every float32 product, sum and distance is exact, so
// the order (distance, index) is the exact one in float32 as in float64.
em::host_matrix integer_grid(std::int64_t n, std::int64_t d, int levels, std::uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int> level(0, levels - 1);
  em::host_matrix x(n, d);
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t c = 0; c < d; ++c) x(i, c) = static_cast<float>(level(gen));
  return x;
}

}  // namespace

TEST(KnnSymmetric, TiesAndDuplicatesAcrossTilesMatchFloat64BruteForce) {
  // 3^4 = 81 distinct points among 1300 rows (about 16 copies of each, more
  // than the candidates kept beyond k): three tile rows, the last a tail.
  const auto x = integer_grid(1300, 4, 3, 61);
  for (const std::int64_t k : {1, 3, 8}) {
    SCOPED_TRACE(k);
    const auto want = brute_force(x, k, em::knn_metric::euclidean);
    for (const int threads : {1, 2, 3}) {
      em::resources res("cpu", threads);
      expect_equal(em::knn(res, x.view(), k), want);
    }
  }
}

TEST(KnnSymmetric, TieBetweenBothSidesOfATileGoesToTheSmallerIndex) {
  // Row 0 is at distance 1 from rows 1 (its own tile, the rows' side) and
  // 700 (a later tile, reached from the columns' side) and 5 (again its own):
  // the order must be 1, 5, 700. Row 700 sees row 0 from the columns' side of
  // tile (0, 1) and row 1000 from its own diagonal tile, both at distance 1.
  em::host_matrix x(1100, 2);
  for (std::int64_t i = 0; i < 1100; ++i) {
    x(i, 0) = 100.0f + static_cast<float>(3 * i);
    x(i, 1) = 0.0f;
  }
  x(0, 0) = 0.0f;
  x(1, 0) = 1.0f;
  x(5, 0) = -1.0f;
  x(700, 0) = 0.0f;
  x(700, 1) = 1.0f;
  x(1000, 0) = 0.0f;
  x(1000, 1) = 2.0f;
  const auto want = brute_force(x, 3, em::knn_metric::euclidean);
  ASSERT_EQ(want.indices[0], 1);
  ASSERT_EQ(want.indices[1], 5);
  ASSERT_EQ(want.indices[2], 700);
  for (const int threads : {1, 2}) {
    em::resources res("cpu", threads);
    const auto r = em::knn(res, x.view(), 3);
    expect_equal(r, want);
    EXPECT_EQ(r.index(700, 0), 0);
    EXPECT_EQ(r.index(700, 1), 1000);
  }
}

TEST(KnnSymmetric, CosineWithTailBlockAndZeroRowMatchesFloat64BruteForce) {
  auto x = em_test::random_normal(1030, 16, em_test::test_seed(62));
  for (std::int64_t c = 0; c < 16; ++c) x(517, c) = 0.0f;  // at distance 1 from every row
  const auto want = brute_force(x, 5, em::knn_metric::cosine);
  em::resources res("cpu", 2);
  expect_equal(em::knn(res, x.view(), 5, em::knn_metric::cosine), want);
}

TEST(KnnSymmetric, EuclideanAtBlockBoundariesMatchesFloat64BruteForce) {
  for (const std::int64_t n : {511, 512, 513, 1024}) {
    SCOPED_TRACE(n);
    const auto x = em_test::random_normal(n, 9, em_test::test_seed(63) + static_cast<std::uint64_t>(n));
    em::resources res("cpu", 2);
    expect_equal(em::knn(res, x.view(), 4), brute_force(x, 4, em::knn_metric::euclidean));
  }
}

TEST(KnnSymmetric, SameBitsForAnyThreadCount) {
  const auto x = em_test::random_normal(1700, 33, em_test::test_seed(64));
  for (auto metric : {em::knn_metric::euclidean, em::knn_metric::cosine}) {
    em::resources one("cpu", 1);
    const auto r1 = em::knn(one, x.view(), 6, metric);
    for (const int threads : {2, 3, 4, 7}) {
      SCOPED_TRACE(threads);
      em::resources res("cpu", threads);
      const auto r = em::knn(res, x.view(), 6, metric);
      EXPECT_EQ(r.indices, r1.indices);
      EXPECT_EQ(r.distances, r1.distances);
    }
  }
}
