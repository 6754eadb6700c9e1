// The CPU backend's fused Lloyd pass (one read of the rows assigns them and
// adds them to their cluster's sums), which runs where the sums stream
// blocks of rows (here 9000 rows): the same bits at 1 to 7 threads and in a
// batch, and centres that are the means of their rows, checked against a
// plain double-precision mean over the labels.
#include <cmath>
#include <vector>

#include "common/test_util.hpp"
#include "embed_metrics/kmeans.hpp"

namespace em = embed_metrics;

namespace {

em::kmeans_params fused_params() {
  em::kmeans_params p;
  p.k = 7;
  p.tol = 0.0;  // stop only when the labels are stable: the centres are then their means
  p.max_iter = 300;
  return p;
}

}  // namespace

TEST(KmeansFused, SameBitsAtOneToSevenThreadsAndInABatch) {
  const auto b = em_test::make_blobs(9000, 24, 7, 0.8, em_test::test_seed(31));
  const std::vector<std::uint64_t> seeds{5, 6, 7};
  const em::resources one_thread("cpu", 1);
  std::vector<em::kmeans_result> alone;
  for (const auto s : seeds) {
    auto p = fused_params();
    p.seed = s;
    alone.push_back(em::kmeans(one_thread, b.x.view(), p));
  }
  for (int t = 1; t <= 7; ++t) {
    const em::resources res("cpu", t);
    const auto batch = em::kmeans_batch(res, b.x.view(), fused_params(), seeds);
    for (std::size_t r = 0; r < seeds.size(); ++r) {
      EXPECT_EQ(batch[r].labels, alone[r].labels) << t << " threads, run " << r;
      EXPECT_EQ(batch[r].centers.values(), alone[r].centers.values()) << t << " threads, run " << r;
      EXPECT_EQ(batch[r].inertia, alone[r].inertia) << t << " threads, run " << r;
      EXPECT_EQ(batch[r].n_iter, alone[r].n_iter) << t << " threads, run " << r;
    }
  }
}

TEST(KmeansFused, CentresAreTheMeansOfTheirRowsAndRowsTheirNearestCentre) {
  const auto b = em_test::make_blobs(9000, 24, 7, 0.8, em_test::test_seed(32));
  const em::resources res("cpu", 2);
  const auto r = em::kmeans(res, b.x.view(), fused_params());
  ASSERT_TRUE(r.converged);
  const std::int64_t n = b.x.rows(), d = b.x.cols(), k = 7;
  std::vector<double> mean(static_cast<std::size_t>(k * d), 0.0);
  std::vector<std::int64_t> count(static_cast<std::size_t>(k), 0);
  for (std::int64_t i = 0; i < n; ++i) {
    const auto l = r.labels[static_cast<std::size_t>(i)];
    ++count[static_cast<std::size_t>(l)];
    for (std::int64_t j = 0; j < d; ++j) mean[static_cast<std::size_t>(l * d + j)] += b.x(i, j);
  }
  for (std::int64_t c = 0; c < k; ++c) {
    ASSERT_GT(count[static_cast<std::size_t>(c)], 0);
    for (std::int64_t j = 0; j < d; ++j) {
      const double want = mean[static_cast<std::size_t>(c * d + j)] / static_cast<double>(count[static_cast<std::size_t>(c)]);
      EXPECT_NEAR(r.centers(c, j), want, 1e-4 * (1.0 + std::fabs(want))) << "centre " << c << " column " << j;
    }
  }
  // Each row's label is its nearest centre (a tie within rounding aside).
  std::int64_t wrong = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    double best = 0.0, mine = 0.0;
    for (std::int64_t c = 0; c < k; ++c) {
      double s = 0.0;
      for (std::int64_t j = 0; j < d; ++j) {
        const double t = static_cast<double>(b.x(i, j)) - r.centers(c, j);
        s += t * t;
      }
      if (c == 0 || s < best) best = s;
      if (c == r.labels[static_cast<std::size_t>(i)]) mine = s;
    }
    if (mine > best * (1.0 + 1e-5) + 1e-6) ++wrong;
  }
  EXPECT_EQ(wrong, 0);
}
