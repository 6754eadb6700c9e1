// Exact silhouette on the CPU beyond one GEMM group (more than 4 x 288
// points): the folds of many groups and strips, taken in turn by any number of
// threads, give the float64 definition and the same bits for every thread count.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "common/test_util.hpp"
#include "embed_metrics/silhouette.hpp"

namespace em = embed_metrics;

namespace {

// The definition, euclidean, in float64, with labels 0 .. k-1.
std::vector<double> reference(const em::host_matrix& x, const std::vector<std::int64_t>& l,
                              std::int64_t k) {
  const auto n = x.rows();
  std::vector<double> size(static_cast<std::size_t>(k), 0.0);
  for (auto v : l) size[static_cast<std::size_t>(v)] += 1.0;
  std::vector<double> s(static_cast<std::size_t>(n), 0.0);
  std::vector<double> sum(static_cast<std::size_t>(k));
  for (std::int64_t i = 0; i < n; ++i) {
    std::fill(sum.begin(), sum.end(), 0.0);
    for (std::int64_t j = 0; j < n; ++j) {
      if (j == i) continue;
      double d2 = 0.0;
      for (std::int64_t c = 0; c < x.cols(); ++c) {
        const double t = static_cast<double>(x(i, c)) - x(j, c);
        d2 += t * t;
      }
      sum[static_cast<std::size_t>(l[static_cast<std::size_t>(j)])] += std::sqrt(d2);
    }
    const auto own = static_cast<std::size_t>(l[static_cast<std::size_t>(i)]);
    if (size[own] == 1.0) continue;
    const double a = sum[own] / (size[own] - 1.0);
    double b = std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < sum.size(); ++c)
      if (c != own && size[c] > 0.0) b = std::min(b, sum[c] / size[c]);
    s[static_cast<std::size_t>(i)] = (b - a) / std::max(a, b);
  }
  return s;
}

}  // namespace

TEST(SilhouetteFoldOrder, ManyGroupsMatchFloat64Definition) {
  const auto seed = em_test::test_seed(1601);
  // 2600 points: 10 blocks of 288, three GEMM groups; k = 3 has clusters
  // spanning several blocks and groups, k = 250 many inside one block.
  for (std::int64_t k : {3, 250}) {
    SCOPED_TRACE("k=" + std::to_string(k));
    const auto b = em_test::make_blobs(2600, 6, k, 1.0, seed + static_cast<std::uint64_t>(k));
    em::resources res("cpu", 3);
    const auto r = em::silhouette(res, b.x.view(), b.labels);
    const auto ref = reference(b.x, b.labels, k);
    ASSERT_EQ(r.samples.size(), ref.size());
    for (std::size_t i = 0; i < ref.size(); ++i) ASSERT_NEAR(r.samples[i], ref[i], 1e-4) << i;
  }
}

TEST(SilhouetteFoldOrder, SameBitsForOneToSevenThreads) {
  const auto seed = em_test::test_seed(1602);
  const auto b = em_test::make_blobs(2600, 9, 7, 1.0, seed);
  for (const char* name : {"euclidean", "cosine", "sqeuclidean"}) {
    SCOPED_TRACE(name);
    em::silhouette_params p;
    p.metric = em::parse_silhouette_metric(name);
    const auto one = em::silhouette(em::resources("cpu", 1), b.x.view(), b.labels, p);
    for (int threads : {2, 3, 7}) {
      const auto r = em::silhouette(em::resources("cpu", threads), b.x.view(), b.labels, p);
      EXPECT_EQ(r.samples, one.samples) << threads << " threads";
      EXPECT_EQ(r.score, one.score) << threads << " threads";
    }
  }
}
