// Exact silhouette on the CPU: goldens from scikit-learn (tests/golden/
// make_silhouette.py), a float64 reference on random inputs (many clusters,
// several tiles), errors, determinism across repeats and thread counts.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>

#include "common/test_util.hpp"
#include "embed_metrics/error.hpp"
#include "embed_metrics/silhouette.hpp"

namespace em = embed_metrics;

namespace {

const char* const kMetrics[] = {"euclidean", "cosine", "sqeuclidean"};

double ref_dist(const em::host_matrix& x, std::int64_t i, std::int64_t j, em::silhouette_metric m) {
  double s = 0.0;
  if (m == em::silhouette_metric::cosine) {
    double xx = 0.0, yy = 0.0;
    for (std::int64_t c = 0; c < x.cols(); ++c) {
      s += static_cast<double>(x(i, c)) * x(j, c);
      xx += static_cast<double>(x(i, c)) * x(i, c);
      yy += static_cast<double>(x(j, c)) * x(j, c);
    }
    return std::max(0.0, 1.0 - s / std::sqrt(xx * yy));
  }
  for (std::int64_t c = 0; c < x.cols(); ++c) {
    const double t = static_cast<double>(x(i, c)) - x(j, c);
    s += t * t;
  }
  return m == em::silhouette_metric::euclidean ? std::sqrt(s) : s;
}

// The definition, in float64, O(n^2).
std::vector<double> ref_samples(const em::host_matrix& x, const std::vector<std::int64_t>& l,
                                em::silhouette_metric m) {
  const auto n = x.rows();
  std::map<std::int64_t, std::size_t> id;
  for (auto v : l) id.emplace(v, 0);
  std::size_t next = 0;
  for (auto& [v, i] : id) i = next++;
  std::vector<std::size_t> c(l.size());
  std::vector<double> size(id.size(), 0.0);
  for (std::size_t i = 0; i < l.size(); ++i) {
    c[i] = id[l[i]];
    size[c[i]] += 1.0;
  }
  std::vector<double> s(static_cast<std::size_t>(n));
  std::vector<double> sum(id.size());
  for (std::int64_t i = 0; i < n; ++i) {
    std::fill(sum.begin(), sum.end(), 0.0);
    for (std::int64_t j = 0; j < n; ++j)
      if (j != i) sum[c[static_cast<std::size_t>(j)]] += ref_dist(x, i, j, m);
    const std::size_t own = c[static_cast<std::size_t>(i)];
    if (size[own] == 1.0) continue;
    const double a = sum[own] / (size[own] - 1.0);
    double b = std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < sum.size(); ++k)
      if (k != own) b = std::min(b, sum[k] / size[k]);
    s[static_cast<std::size_t>(i)] = (b - a) / std::max(a, b);
  }
  return s;
}

double mean(const std::vector<double>& v) {
  double t = 0.0;
  for (double e : v) t += e;
  return t / static_cast<double>(v.size());
}

}  // namespace

TEST(Silhouette, MatchesScikitLearnGoldens) {
  const auto golden = em_test::load_golden("silhouette.json");
  em::resources res("cpu", 2);
  for (const auto& c : golden["cases"]) {
    const auto x = em_test::matrix_from_json(c["x"]);
    const auto labels = c["labels"].get<std::vector<std::int64_t>>();
    for (const char* name : kMetrics) {
      SCOPED_TRACE(c["name"].get<std::string>() + " / " + name);
      const auto& e = c["expected"][name];
      em::silhouette_params p;
      p.metric = em::parse_silhouette_metric(name);
      const auto r = em::silhouette(res, x.view(), labels, p);
      const double score = e["score"].get<double>();
      EXPECT_NEAR(r.score, score, 1e-5 * std::abs(score));
      EXPECT_TRUE(r.exact);
      EXPECT_EQ(r.n, x.rows());
      const auto samples = e["samples"].get<std::vector<double>>();
      ASSERT_EQ(r.samples.size(), samples.size());
      for (std::size_t i = 0; i < samples.size(); ++i)
        EXPECT_NEAR(r.samples[i], samples[i], 1e-4) << "sample " << i;
      const auto cl = e["cluster_labels"].get<std::vector<std::int64_t>>();
      const auto cm = e["cluster_means"].get<std::vector<double>>();
      ASSERT_EQ(r.clusters.size(), cl.size());
      EXPECT_EQ(r.k, static_cast<std::int64_t>(cl.size()));
      for (std::size_t i = 0; i < cl.size(); ++i) {
        EXPECT_EQ(r.clusters[i].label, cl[i]);
        EXPECT_EQ(r.clusters[i].size,
                  std::count(labels.begin(), labels.end(), cl[i]));
        EXPECT_NEAR(r.clusters[i].mean, cm[i], 1e-4);
      }
    }
  }
}

TEST(Silhouette, DuplicatePairClusterScoresOne) {
  // Two identical points far from a third cluster: a = 0 exactly, so s = 1
  // exactly; a float GEMM without care would give a = sqrt(rounding) > 0.
  em::host_matrix x(5, 3);
  const float pts[5][3] = {{1000.5f, -3.25f, 7.0f}, {1000.5f, -3.25f, 7.0f}, {0, 0, 0},
                           {0, 1, 0}, {1, 0, 0}};
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 3; ++j) x(i, j) = pts[i][j];
  const std::vector<std::int64_t> l{4, 4, 9, 9, 9};
  em::resources res("cpu", 1);
  const auto r = em::silhouette(res, x.view(), l);
  EXPECT_EQ(r.samples[0], 1.0);
  EXPECT_EQ(r.samples[1], 1.0);
}

TEST(Silhouette, MatchesFloat64ReferenceAcrossTilesAndManyClusters) {
  const auto seed = em_test::test_seed(61);
  em::resources res("cpu", 2);
  // k from few large clusters (straddling the 288-point tiles) to many tiny ones.
  for (std::int64_t k : {3, 37, 400}) {
    const auto b = em_test::make_blobs(900, 7, k, 1.0, seed + static_cast<std::uint64_t>(k));
    for (const char* name : kMetrics) {
      SCOPED_TRACE(std::string(name) + " k=" + std::to_string(k));
      em::silhouette_params p;
      p.metric = em::parse_silhouette_metric(name);
      const auto r = em::silhouette(res, b.x.view(), b.labels, p);
      const auto ref = ref_samples(b.x, b.labels, p.metric);
      ASSERT_EQ(r.samples.size(), ref.size());
      for (std::size_t i = 0; i < ref.size(); ++i) ASSERT_NEAR(r.samples[i], ref[i], 1e-4) << i;
      EXPECT_NEAR(r.score, mean(ref), 1e-5 * std::abs(mean(ref)) + 1e-9);
    }
  }
}

TEST(Silhouette, BitIdenticalOnRepeatAndForOneOrTwoThreads) {
  const auto seed = em_test::test_seed(7);
  const auto b = em_test::make_blobs(1100, 24, 9, 1.0, seed);
  em::resources one("cpu", 1);
  em::resources two("cpu", 2);
  for (const char* name : kMetrics) {
    em::silhouette_params p;
    p.metric = em::parse_silhouette_metric(name);
    const auto r1 = em::silhouette(one, b.x.view(), b.labels, p);
    const auto r2 = em::silhouette(two, b.x.view(), b.labels, p);
    const auto r3 = em::silhouette(two, b.x.view(), b.labels, p);
    EXPECT_EQ(r1.score, r2.score) << name;
    EXPECT_EQ(r2.score, r3.score) << name;
    EXPECT_EQ(r1.samples, r2.samples) << name;
    EXPECT_EQ(r2.samples, r3.samples) << name;
    for (std::size_t c = 0; c < r1.clusters.size(); ++c)
      EXPECT_EQ(r1.clusters[c].mean, r2.clusters[c].mean);
  }
}

TEST(Silhouette, WithoutPerSampleValuesGivesTheSameScore) {
  const auto b = em_test::make_blobs(300, 5, 4, 2.0, em_test::test_seed(3));
  em::resources res("cpu", 2);
  em::silhouette_params p;
  const auto full = em::silhouette(res, b.x.view(), b.labels, p);
  p.per_sample = false;
  const auto lean = em::silhouette(res, b.x.view(), b.labels, p);
  EXPECT_TRUE(lean.samples.empty());
  EXPECT_EQ(lean.score, full.score);
  ASSERT_EQ(lean.clusters.size(), 4u);
}

TEST(Silhouette, StridedView) {
  const auto b = em_test::make_blobs(200, 6, 3, 2.0, em_test::test_seed(4));
  // Columns 0..3 of each row, 6 apart, against a packed copy.
  em::host_matrix packed(200, 4);
  for (int i = 0; i < 200; ++i)
    for (int j = 0; j < 4; ++j) packed(i, j) = b.x(i, j);
  em::resources res("cpu", 2);
  const auto r1 = em::silhouette(res, em::matrix_view(b.x.data(), 200, 4, 6), b.labels);
  const auto r2 = em::silhouette(res, packed.view(), b.labels);
  EXPECT_EQ(r1.samples, r2.samples);
}

TEST(Silhouette, ErrorsNameTheProblem) {
  em::resources res("cpu", 1);
  const auto x = em_test::random_normal(6, 2, 1);
  auto expect_error = [&](const std::vector<std::int64_t>& l, const std::string& part) {
    try {
      (void)em::silhouette(res, x.view(), l);
      ADD_FAILURE() << "no error for " << part;
    } catch (const em::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  expect_error({1, 1, 1, 1, 1, 1}, "1 distinct");
  expect_error({0, 1, 2, 3, 4, 5}, "6 distinct");
  expect_error({0, 1, 0}, "labels has 3 rows");
  auto bad = x;
  bad(4, 1) = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW((void)em::silhouette(res, bad.view(), std::vector<std::int64_t>{0, 0, 0, 1, 1, 1}),
               em::invalid_argument);
  EXPECT_THROW((void)em::parse_silhouette_metric("manhattan"), em::invalid_argument);
  EXPECT_THROW((void)em::silhouette_sampled(res, x.view(), std::vector<std::int64_t>{0, 0, 0, 1, 1, 1},
                                            1, 0),
               em::invalid_argument);
  EXPECT_THROW((void)em::silhouette_sampled(res, x.view(), std::vector<std::int64_t>{0, 0, 0, 1, 1, 1},
                                            7, 0),
               em::invalid_argument);
  // A device view on CPU resources.
  const em::matrix_view dev(x.data(), 6, 2, 0, em::memory_space::device);
  EXPECT_THROW((void)em::silhouette(res, dev, std::vector<std::int64_t>{0, 0, 0, 1, 1, 1}),
               em::invalid_argument);
}

TEST(SilhouetteSampled, IsTheExactSilhouetteOfTheDrawnRows) {
  const auto b = em_test::make_blobs(500, 8, 5, 1.5, em_test::test_seed(9));
  em::resources res("cpu", 2);
  const auto r = em::silhouette_sampled(res, b.x.view(), b.labels, 120, 42);
  EXPECT_FALSE(r.exact);
  ASSERT_EQ(r.sample_rows.size(), 120u);
  auto rows = r.sample_rows;
  std::sort(rows.begin(), rows.end());
  EXPECT_EQ(std::unique(rows.begin(), rows.end()), rows.end());
  em::host_matrix sub(120, 8);
  std::vector<std::int64_t> sl(120);
  for (std::int64_t i = 0; i < 120; ++i) {
    const auto row = r.sample_rows[static_cast<std::size_t>(i)];
    sl[static_cast<std::size_t>(i)] = b.labels[static_cast<std::size_t>(row)];
    for (std::int64_t j = 0; j < 8; ++j) sub(i, j) = b.x(row, j);
  }
  const auto e = em::silhouette(res, sub.view(), sl);
  EXPECT_EQ(r.samples, e.samples);
  EXPECT_EQ(r.score, e.score);
  // Same seed, same sample; another seed, another sample.
  EXPECT_EQ(em::silhouette_sampled(res, b.x.view(), b.labels, 120, 42).sample_rows, r.sample_rows);
  EXPECT_NE(em::silhouette_sampled(res, b.x.view(), b.labels, 120, 43).sample_rows, r.sample_rows);
  // The whole set is the exact silhouette (the points in another order, so
  // the float rounding of the tiles differs slightly).
  const auto all = em::silhouette_sampled(res, b.x.view(), b.labels, 500, 1);
  EXPECT_TRUE(all.exact);
  EXPECT_NEAR(all.score, em::silhouette(res, b.x.view(), b.labels).score, 1e-8);
}

TEST(SilhouetteSimplified, MatchesCentroidDefinition) {
  const auto b = em_test::make_blobs(400, 6, 5, 2.0, em_test::test_seed(13));
  em::resources res("cpu", 2);
  for (const char* name : kMetrics) {
    SCOPED_TRACE(name);
    em::silhouette_params p;
    p.metric = em::parse_silhouette_metric(name);
    const bool cosine = p.metric == em::silhouette_metric::cosine;
    // Centroids in float64 (of the unit rows for cosine).
    std::map<std::int64_t, std::vector<double>> cen;
    std::map<std::int64_t, int> cnt;
    for (std::int64_t i = 0; i < 400; ++i) {
      auto& c = cen[b.labels[static_cast<std::size_t>(i)]];
      c.resize(6, 0.0);
      double nrm = 0.0;
      for (int j = 0; j < 6; ++j) nrm += static_cast<double>(b.x(i, j)) * b.x(i, j);
      const double s = cosine ? 1.0 / std::sqrt(nrm) : 1.0;
      for (int j = 0; j < 6; ++j) c[static_cast<std::size_t>(j)] += b.x(i, j) * s;
      ++cnt[b.labels[static_cast<std::size_t>(i)]];
    }
    for (auto& [l, c] : cen)
      for (auto& v : c) v /= cnt[l];
    auto dist = [&](std::int64_t i, const std::vector<double>& c) {
      double s = 0.0, xx = 0.0, cc = 0.0;
      for (int j = 0; j < 6; ++j) {
        if (cosine) {
          s += b.x(i, j) * c[static_cast<std::size_t>(j)];
          xx += static_cast<double>(b.x(i, j)) * b.x(i, j);
          cc += c[static_cast<std::size_t>(j)] * c[static_cast<std::size_t>(j)];
        } else {
          const double t = b.x(i, j) - c[static_cast<std::size_t>(j)];
          s += t * t;
        }
      }
      if (cosine) return 1.0 - s / std::sqrt(xx * cc);
      return p.metric == em::silhouette_metric::euclidean ? std::sqrt(s) : s;
    };
    const auto r = em::silhouette_simplified(res, b.x.view(), b.labels, p);
    EXPECT_FALSE(r.exact);
    double total = 0.0;
    for (std::int64_t i = 0; i < 400; ++i) {
      const auto own = b.labels[static_cast<std::size_t>(i)];
      const double a = dist(i, cen[own]);
      double bb = std::numeric_limits<double>::infinity();
      for (const auto& [l, c] : cen)
        if (l != own) bb = std::min(bb, dist(i, c));
      const double s = (bb - a) / std::max(a, bb);
      EXPECT_NEAR(r.samples[static_cast<std::size_t>(i)], s, 1e-5) << i;
      total += s;
    }
    EXPECT_NEAR(r.score, total / 400.0, 1e-6);
  }
}
