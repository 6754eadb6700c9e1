// k-means on the CPU backend: errors, edge cases, reproducibility, batching,
// predict, cosine, and scikit-learn goldens (tests/golden/make_kmeans.py).
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "common/test_util.hpp"
#include "embed_metrics/error.hpp"
#include "embed_metrics/kmeans.hpp"

namespace em = embed_metrics;

namespace {

em::kmeans_params params_k(std::int64_t k, std::uint64_t seed = 0) {
  em::kmeans_params p;
  p.k = k;
  p.seed = seed;
  return p;
}

/// True when the two labelings are the same partition (equal up to renaming).
bool same_partition(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
  if (a.size() != b.size()) return false;
  std::map<std::int64_t, std::int64_t> ab, ba;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ab.emplace(a[i], b[i]);
    if (ab[a[i]] != b[i]) return false;
    ba.emplace(b[i], a[i]);
    if (ba[b[i]] != a[i]) return false;
  }
  return true;
}

/// Sum over rows of the squared distance to the assigned centre, in double.
double inertia_ref(const em::host_matrix& x, const std::vector<std::int64_t>& labels,
                   const em::host_matrix& c) {
  double s = 0.0;
  for (std::int64_t i = 0; i < x.rows(); ++i)
    for (std::int64_t j = 0; j < x.cols(); ++j) {
      const double t = static_cast<double>(x(i, j)) - c(labels[static_cast<std::size_t>(i)], j);
      s += t * t;
    }
  return s;
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const em::invalid_argument& e) {
    return e.what();
  }
  return "";
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

}  // namespace

TEST(Kmeans, RejectsBadArguments) {
  em::resources res("cpu", 2);
  const auto x = em_test::random_normal(20, 3, 1);
  EXPECT_NE(error_of([&] { (void)em::kmeans(res, x.view(), params_k(0)); }).find("k is 0"),
            std::string::npos);
  EXPECT_NE(error_of([&] { (void)em::kmeans(res, x.view(), params_k(21)); }).find("only 20 rows"),
            std::string::npos);
  const em::host_matrix empty(0, 3);
  EXPECT_NE(error_of([&] { (void)em::kmeans(res, empty.view(), params_k(1)); }).find("empty"),
            std::string::npos);
  for (const float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    auto y = x;
    y(7, 2) = bad;
    const auto msg = error_of([&] { (void)em::kmeans(res, y.view(), params_k(2)); });
    EXPECT_NE(msg.find("row 7"), std::string::npos) << msg;
  }
  auto p = params_k(2);
  p.max_iter = 0;
  EXPECT_THROW((void)em::kmeans(res, x.view(), p), em::invalid_argument);
  p = params_k(2);
  p.n_init = 0;
  EXPECT_THROW((void)em::kmeans(res, x.view(), p), em::invalid_argument);
  p = params_k(2);
  p.init = em::kmeans_init::given;
  const auto wrong = em_test::random_normal(3, 3, 2);
  p.initial_centers = wrong.view();
  EXPECT_NE(error_of([&] { (void)em::kmeans(res, x.view(), p); }).find("initial_centers is 3x3"),
            std::string::npos);
  EXPECT_THROW((void)em::kmeans_batch(res, x.view(), params_k(2), {}), em::invalid_argument);
  const em::matrix_view dev(x.data(), 20, 3, 0, em::memory_space::device);
  EXPECT_NE(error_of([&] { (void)em::kmeans(res, dev, params_k(2)); }).find("device memory"),
            std::string::npos);
  auto zero_row = x;
  for (int j = 0; j < 3; ++j) zero_row(4, j) = 0.0f;
  p = params_k(2);
  p.metric = em::kmeans_metric::cosine;
  EXPECT_NE(error_of([&] { (void)em::kmeans(res, zero_row.view(), p); }).find("row 4"),
            std::string::npos);
}

TEST(Kmeans, KEqualsNGivesEveryPointItsOwnCluster) {
  em::resources res("cpu", 2);
  const auto x = em_test::random_normal(30, 4, em_test::test_seed(3));
  for (const auto init : {em::kmeans_init::kmeans_plus_plus, em::kmeans_init::random}) {
    auto p = params_k(30, 5);
    p.init = init;
    const auto r = em::kmeans(res, x.view(), p);
    EXPECT_EQ(std::set<std::int64_t>(r.labels.begin(), r.labels.end()).size(), 30u);
    EXPECT_EQ(r.inertia, 0.0);
    EXPECT_TRUE(r.converged);
  }
}

TEST(Kmeans, DuplicatePointsAndMoreClustersThanDistinctPoints) {
  em::resources res("cpu", 2);
  const auto base = em_test::random_normal(5, 3, em_test::test_seed(4));
  em::host_matrix x(50, 3);
  for (int i = 0; i < 50; ++i)
    for (int j = 0; j < 3; ++j) x(i, j) = base(i % 5, j);
  const auto r5 = em::kmeans(res, x.view(), params_k(5, 1));
  EXPECT_EQ(r5.inertia, 0.0);
  for (int i = 5; i < 50; ++i) EXPECT_EQ(r5.labels[static_cast<std::size_t>(i)], r5.labels[static_cast<std::size_t>(i % 5)]);
  // Eight clusters for five distinct points: some clusters must share a
  // point (empty-cluster relocation runs); nothing breaks, inertia stays 0.
  for (const auto init : {em::kmeans_init::kmeans_plus_plus, em::kmeans_init::random}) {
    auto p = params_k(8, 2);
    p.init = init;
    const auto r8 = em::kmeans(res, x.view(), p);
    EXPECT_EQ(r8.inertia, 0.0);
    ASSERT_EQ(r8.labels.size(), 50u);
    for (const auto l : r8.labels) EXPECT_TRUE(l >= 0 && l < 8);
    for (double v : r8.centers.values()) EXPECT_TRUE(std::isfinite(v));
  }
}

TEST(Kmeans, EmptyClusterTakesTheFarthestPoint) {
  // Given centres where one centre is far from every point: after the first
  // assignment it is empty and must take the point farthest from its centre.
  em::host_matrix x(6, 1);
  const float v[6] = {0.0f, 0.1f, 0.2f, 10.0f, 10.1f, 13.0f};
  for (int i = 0; i < 6; ++i) x(i, 0) = v[i];
  em::host_matrix c(3, 1);
  c(0, 0) = 0.1f;
  c(1, 0) = 10.5f;
  c(2, 0) = -100.0f;
  auto p = params_k(3);
  p.init = em::kmeans_init::given;
  p.initial_centers = c.view();
  em::resources res("cpu", 1);
  const auto r = em::kmeans(res, x.view(), p);
  // 13.0 is farthest from its centre (10.5) and becomes a cluster of its own.
  EXPECT_EQ(r.labels[5], 2);
  EXPECT_EQ(r.labels[3], 1);
  EXPECT_EQ(r.labels[0], 0);
  EXPECT_FLOAT_EQ(r.centers(2, 0), 13.0f);
  EXPECT_NEAR(r.centers(1, 0), 10.05, 1e-6);
}

TEST(Kmeans, OneDimension) {
  em::resources res("cpu", 2);
  em::host_matrix x(90, 1);
  std::vector<std::int64_t> truth(90);
  const auto noise = em_test::random_normal(90, 1, em_test::test_seed(6));
  for (int i = 0; i < 90; ++i) {
    truth[static_cast<std::size_t>(i)] = i % 3;
    x(i, 0) = static_cast<float>(100.0 * (i % 3)) + noise(i, 0);
  }
  const auto r = em::kmeans(res, x.view(), params_k(3, 7));
  EXPECT_TRUE(same_partition(r.labels, truth));
  // The inertia is that of the centroids found (in the centred frame); the
  // returned centres are those centroids rounded to float in the caller's
  // coordinates (values up to 200 here: 2^-17 absolute), so the two agree to
  // float rounding, not to the last bit.
  EXPECT_NEAR(r.inertia, inertia_ref(x, r.labels, r.centers), 1e-6 * r.inertia);
}

TEST(Kmeans, SameSeedSameLabelsBitForBit) {
  const auto b = em_test::make_blobs(600, 16, 8, 1.0, em_test::test_seed(8));
  em::resources res("cpu", 2);
  const auto a = em::kmeans(res, b.x.view(), params_k(8, 123));
  const auto c = em::kmeans(res, b.x.view(), params_k(8, 123));
  EXPECT_EQ(a.labels, c.labels);
  EXPECT_EQ(a.centers.values(), c.centers.values());
  EXPECT_EQ(a.inertia, c.inertia);
  EXPECT_EQ(a.n_iter, c.n_iter);
}

TEST(Kmeans, SameResultWithOneAndTwoThreads) {
  // Overlapping blobs, with enough rows, columns and candidates that every
  // stage runs on both threads (small loops run on one) and the centroid
  // update streams fixed blocks of rows.
  const auto b = em_test::make_blobs(9000, 32, 8, 0.6, em_test::test_seed(9));
  em::resources r1("cpu", 1), r2("cpu", 2);
  for (const auto metric : {em::kmeans_metric::euclidean, em::kmeans_metric::cosine}) {
    auto p = params_k(8, 77);
    p.metric = metric;
    p.n_local_trials = 30;
    p.max_iter = 8;
    const auto a = em::kmeans(r1, b.x.view(), p);
    const auto c = em::kmeans(r2, b.x.view(), p);
    EXPECT_EQ(a.labels, c.labels);
    EXPECT_EQ(a.centers.values(), c.centers.values());
    EXPECT_EQ(a.inertia, c.inertia);
    EXPECT_EQ(a.n_iter, c.n_iter);
  }
}

TEST(Kmeans, BatchEqualsIndividualRuns) {
  const auto b = em_test::make_blobs(800, 10, 6, 0.5, em_test::test_seed(10));
  em::resources res("cpu", 2);
  const std::vector<std::uint64_t> seeds{3, 11, 12345, 3};
  for (const auto init : {em::kmeans_init::kmeans_plus_plus, em::kmeans_init::random}) {
    auto p = params_k(6);
    p.init = init;
    const auto batch = em::kmeans_batch(res, b.x.view(), p, seeds);
    ASSERT_EQ(batch.size(), seeds.size());
    for (std::size_t r = 0; r < seeds.size(); ++r) {
      p.seed = seeds[r];
      const auto one = em::kmeans(res, b.x.view(), p);
      EXPECT_EQ(batch[r].seed, seeds[r]);
      EXPECT_EQ(batch[r].labels, one.labels) << "run " << r;
      EXPECT_EQ(batch[r].centers.values(), one.centers.values()) << "run " << r;
      EXPECT_EQ(batch[r].inertia, one.inertia);
      EXPECT_EQ(batch[r].n_iter, one.n_iter);
    }
    EXPECT_EQ(batch[0].labels, batch[3].labels);
  }
}

TEST(Kmeans, NInitKeepsTheLowestInertia) {
  const auto b = em_test::make_blobs(500, 6, 10, 0.4, em_test::test_seed(12));
  em::resources res("cpu", 2);
  auto p = params_k(10, 99);
  p.n_init = 5;
  p.init = em::kmeans_init::random;
  const auto best = em::kmeans(res, b.x.view(), p);
  std::vector<std::uint64_t> seeds;
  for (int r = 0; r < 5; ++r) seeds.push_back(em::kmeans_run_seed(99, r));
  EXPECT_EQ(seeds[0], 99u);
  const auto all = em::kmeans_batch(res, b.x.view(), p, seeds);
  double lo = all[0].inertia;
  for (const auto& r : all) lo = std::min(lo, r.inertia);
  EXPECT_EQ(best.inertia, lo);
}

TEST(Kmeans, RecoversWellSeparatedBlobs) {
  const auto b = em_test::make_blobs(1000, 8, 5, 20.0, em_test::test_seed(13));
  em::resources res("cpu", 2);
  for (const auto init : {em::kmeans_init::kmeans_plus_plus, em::kmeans_init::random}) {
    auto p = params_k(5, 1);
    p.init = init;
    p.n_init = init == em::kmeans_init::random ? 4 : 1;
    const auto r = em::kmeans(res, b.x.view(), p);
    EXPECT_TRUE(same_partition(r.labels, b.labels));
    EXPECT_TRUE(r.converged);
    EXPECT_NEAR(r.inertia, inertia_ref(b.x, r.labels, r.centers), 1e-6 * r.inertia);
  }
}

TEST(Kmeans, StridedInputMatchesPacked) {
  const auto b = em_test::make_blobs(300, 7, 4, 2.0, em_test::test_seed(14));
  em::host_matrix wide(300, 10);
  for (int i = 0; i < 300; ++i)
    for (int j = 0; j < 7; ++j) wide(i, j) = b.x(i, j);
  em::resources res("cpu", 2);
  const auto a = em::kmeans(res, b.x.view(), params_k(4, 2));
  const auto c = em::kmeans(res, em::matrix_view(wide.data(), 300, 7, 10), params_k(4, 2));
  EXPECT_EQ(a.labels, c.labels);
  EXPECT_EQ(a.inertia, c.inertia);
}

TEST(Kmeans, PredictMatchesBruteForceAndFinalLabels) {
  const auto b = em_test::make_blobs(400, 9, 5, 1.0, em_test::test_seed(15));
  em::resources res("cpu", 2);
  const auto r = em::kmeans(res, b.x.view(), params_k(5, 4));
  EXPECT_EQ(em::kmeans_predict(res, b.x.view(), r.centers.view()), r.labels);
  const auto q = em_test::random_normal(97, 9, 16);
  const auto got = em::kmeans_predict(res, q.view(), r.centers.view());
  for (std::int64_t i = 0; i < q.rows(); ++i) {
    std::int64_t best = 0;
    double best_d = std::numeric_limits<double>::infinity();
    for (std::int64_t c = 0; c < 5; ++c) {
      double s = 0.0;
      for (int j = 0; j < 9; ++j) {
        const double t = static_cast<double>(q(i, j)) - r.centers(c, j);
        s += t * t;
      }
      if (s < best_d) {
        best_d = s;
        best = c;
      }
    }
    EXPECT_EQ(got[static_cast<std::size_t>(i)], best) << "row " << i;
  }
  const auto wrong = em_test::random_normal(3, 4, 1);
  EXPECT_THROW((void)em::kmeans_predict(res, q.view(), wrong.view()), em::invalid_argument);
}

TEST(Kmeans, CosineIsScaleInvariantWithUnitCentres) {
  const auto b = em_test::make_blobs(500, 12, 6, 3.0, em_test::test_seed(17));
  auto scaled = b.x;
  for (std::int64_t i = 0; i < scaled.rows(); ++i)
    for (std::int64_t j = 0; j < scaled.cols(); ++j) scaled(i, j) *= static_cast<float>(1 + i % 7) * 0.5f;
  em::resources res("cpu", 2);
  auto p = params_k(6, 21);
  p.metric = em::kmeans_metric::cosine;
  const auto a = em::kmeans(res, b.x.view(), p);
  const auto c = em::kmeans(res, scaled.view(), p);
  EXPECT_TRUE(same_partition(a.labels, c.labels));
  double inertia = 0.0;
  for (std::int64_t i = 0; i < b.x.rows(); ++i) {
    double xx = 0.0, xc = 0.0;
    for (std::int64_t j = 0; j < b.x.cols(); ++j) {
      xx += static_cast<double>(b.x(i, j)) * b.x(i, j);
      xc += static_cast<double>(b.x(i, j)) * a.centers(a.labels[static_cast<std::size_t>(i)], j);
    }
    inertia += 1.0 - xc / std::sqrt(xx);
  }
  EXPECT_NEAR(a.inertia, inertia, 1e-5 * inertia);
  for (std::int64_t c2 = 0; c2 < 6; ++c2) {
    double nn = 0.0;
    for (std::int64_t j = 0; j < 12; ++j) nn += static_cast<double>(a.centers(c2, j)) * a.centers(c2, j);
    EXPECT_NEAR(nn, 1.0, 1e-5);
  }
  EXPECT_EQ(em::kmeans_predict(res, scaled.view(), a.centers.view(), em::kmeans_metric::cosine),
            c.labels);
}

TEST(KmeansGolden, PlusPlusMedianInertiaWithinOnePercentOfScikitLearn) {
  const auto g = em_test::load_golden("kmeans.json");
  const auto x = em_test::matrix_from_json(g["x"]);
  const auto k = g["k"].get<std::int64_t>();
  em::resources res("cpu", 2);
  std::vector<std::uint64_t> seeds;
  for (std::uint64_t s = 0; s < 12; ++s) seeds.push_back(s);
  auto p = params_k(k);
  const auto runs = em::kmeans_batch(res, x.view(), p, seeds);
  std::vector<double> ours;
  for (const auto& r : runs) ours.push_back(r.inertia);
  const double want = g["plusplus"]["median_inertia"].get<double>();
  EXPECT_LE(median(ours), want * 1.01) << "sklearn median " << want;
  EXPECT_GE(median(ours), want * 0.99);
}

TEST(KmeansGolden, GivenCentresMatchScikitLearnExactly) {
  const auto g = em_test::load_golden("kmeans.json");
  const auto x = em_test::matrix_from_json(g["x"]);
  const auto k = g["k"].get<std::int64_t>();
  em::host_matrix init(k, x.cols());
  const auto rows = g["given"]["init_rows"].get<std::vector<std::int64_t>>();
  for (std::int64_t c = 0; c < k; ++c)
    for (std::int64_t j = 0; j < x.cols(); ++j) init(c, j) = x(rows[static_cast<std::size_t>(c)], j);
  auto p = params_k(k);
  p.init = em::kmeans_init::given;
  p.initial_centers = init.view();
  em::resources res("cpu", 2);
  const auto r = em::kmeans(res, x.view(), p);
  EXPECT_EQ(r.labels, g["given"]["labels"].get<std::vector<std::int64_t>>());
  const double want = g["given"]["inertia"].get<double>();
  EXPECT_NEAR(r.inertia, want, 1e-5 * want);
  EXPECT_EQ(r.n_iter, g["given"]["n_iter"].get<int>());
  EXPECT_TRUE(r.converged);
  const auto centers = em_test::matrix_from_json(g["given"]["centers"]);
  for (std::int64_t c = 0; c < k; ++c)
    for (std::int64_t j = 0; j < x.cols(); ++j) EXPECT_NEAR(r.centers(c, j), centers(c, j), 1e-4);

  p.max_iter = 2;
  const auto r2 = em::kmeans(res, x.view(), p);
  EXPECT_EQ(r2.labels, g["given_max_iter_2"]["labels"].get<std::vector<std::int64_t>>());
  const double want2 = g["given_max_iter_2"]["inertia"].get<double>();
  EXPECT_NEAR(r2.inertia, want2, 1e-5 * want2);
  EXPECT_EQ(r2.n_iter, 2);
  EXPECT_FALSE(r2.converged);
}
