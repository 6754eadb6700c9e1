// Every CUDA path against the CPU backend (the oracle), with a printed seed:
// k-means beyond one assignment tile, k-means++ over more than 256 row
// blocks, random and given initialisation, cosine, empty-cluster relocation,
// d = 1; strided device views in every entry point; the report; the
// silhouette beyond one tile; kNN at d = 1 and with zero rows under cosine;
// the k-means++ entry used by the benchmarks. Tests named *Large* need
// seconds on a GPU; the sanitizer runs of scripts/gpu-check leave them out.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "backend/cuda_kmeans.hpp"
#include "common/test_util.hpp"
#include "cpu/distance_tile.hpp"
#include "metrics/kmeans_driver.hpp"
#include "cuda/device_data.hpp"
#include "embed_metrics/agreement.hpp"
#include "embed_metrics/distance.hpp"
#include "embed_metrics/entropy.hpp"
#include "embed_metrics/kmeans.hpp"
#include "embed_metrics/knn.hpp"
#include "embed_metrics/report.hpp"
#include "embed_metrics/silhouette.hpp"

namespace em = embed_metrics;

namespace {

double ari(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
  return em::agreement(em::resources("cpu"), a, b).ari;
}

double sqdist(const em::host_matrix& x, std::int64_t i, const em::host_matrix& c, std::int64_t j) {
  double s = 0.0;
  for (std::int64_t t = 0; t < x.cols(); ++t) {
    const double e = static_cast<double>(x(i, t)) - c(j, t);
    s += e * e;
  }
  return s;
}

// Labels from two backends agree, or where they differ, the two centres are
// equally near in double (a float rounding tie).
void expect_same_assignment(const em::host_matrix& x, const em::host_matrix& c,
                            const std::vector<std::int64_t>& got, const std::vector<std::int64_t>& want) {
  ASSERT_EQ(got.size(), want.size());
  std::int64_t differ = 0;
  for (std::int64_t i = 0; i < x.rows(); ++i) {
    const auto g = got[static_cast<std::size_t>(i)], w = want[static_cast<std::size_t>(i)];
    if (g == w) continue;
    ++differ;
    const double dg = sqdist(x, i, c, g), dw = sqdist(x, i, c, w);
    ASSERT_NEAR(dg, dw, 1e-4 * (1.0 + dw)) << "row " << i << ": label " << g << " vs " << w;
  }
  EXPECT_LE(differ, x.rows() / 1000) << "too many rounding ties";
}

}  // namespace

TEST(KmeansPathsCuda, AssignmentBeyondOneTileLarge) {
  EM_REQUIRE_GPU();
  // n x k = 270000 x 256 > 2^26 floats: the assignment runs in two tiles.
  const auto x = em_test::random_normal(270000, 4, em_test::test_seed(1420));
  const auto c = em_test::random_normal(256, 4, em_test::test_seed(1421));
  em::resources cpu("cpu"), gpu("cuda");
  expect_same_assignment(x, c, em::kmeans_predict(gpu, x.view(), c.view()),
                         em::kmeans_predict(cpu, x.view(), c.view()));
  em::kmeans_params p;
  p.k = 256;
  p.init = em::kmeans_init::given;
  p.initial_centers = c.view();
  p.max_iter = 2;
  const auto g = em::kmeans(gpu, x.view(), p);
  const auto h = em::kmeans(cpu, x.view(), p);
  EXPECT_NEAR(g.inertia, h.inertia, 1e-4 * h.inertia);
  EXPECT_GT(ari(g.labels, h.labels), 0.999);
}

TEST(KmeansPathsCuda, PlusPlusOverMoreThan256RowBlocksLarge) {
  EM_REQUIRE_GPU();
  // 40000 rows = 313 blocks of 128: the sampling kernel's threads each scan
  // more than one block sum.
  const auto b = em_test::make_blobs(40000, 8, 16, 10.0, em_test::test_seed(1422));
  em::resources cpu("cpu"), gpu("cuda");
  em::kmeans_params p;
  p.k = 16;
  p.seed = 11;
  const auto g = em::kmeans(gpu, b.x.view(), p);
  const auto h = em::kmeans(cpu, b.x.view(), p);
  EXPECT_EQ(ari(g.labels, h.labels), 1.0);
  EXPECT_NEAR(g.inertia, h.inertia, 1e-5 * h.inertia);
}

TEST(KmeansPathsCuda, PlusPlusEntryMatchesCpuSeeding) {
  EM_REQUIRE_GPU();
  const auto b = em_test::make_blobs(5000, 6, 8, 10.0, em_test::test_seed(1423));
  em::kmeans_params p;
  p.k = 8;
  const std::vector<std::uint64_t> seeds{7, 8};
  em_test::device_rows dx(b.x);
  em::resources gpu("cuda");
  float* centers = nullptr;
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void**>(&centers), sizeof(float) * 2 * 8 * 6), cudaSuccess);
  em::gpu::kmeans_plus_plus(gpu, dx.view(), p, seeds, centers);
  gpu.synchronize();
  std::vector<float> got(2 * 8 * 6);
  ASSERT_EQ(cudaMemcpy(got.data(), centers, sizeof(float) * got.size(), cudaMemcpyDeviceToHost), cudaSuccess);
  cudaFree(centers);
  em::resources cpu("cpu");
  const auto want = em::detail::kmeans_init_host(cpu, b.x.view(), p, seeds);
  for (std::size_t r = 0; r < seeds.size(); ++r) {
    em::host_matrix mine(8, 6);
    for (std::int64_t c = 0; c < 8; ++c) {
      for (std::int64_t j = 0; j < 6; ++j) mine(c, j) = got[r * 48 + static_cast<std::size_t>(c * 6 + j)];
      // Every centre is a row of x, bit for bit.
      bool is_row = false;
      for (std::int64_t i = 0; i < 5000 && !is_row; ++i) {
        is_row = true;
        for (std::int64_t j = 0; j < 6; ++j) is_row = is_row && b.x(i, j) == mine(c, j);
      }
      EXPECT_TRUE(is_row) << "run " << r << " centre " << c;
    }
    // One centre per blob, as the CPU seeding: the same partition. (The very
    // rows may differ where a draw lands within rounding of a boundary.)
    const em::matrix_view theirs(want.data() + r * 48, 8, 6);
    EXPECT_EQ(ari(em::kmeans_predict(cpu, b.x.view(), mine.view()),
                  em::kmeans_predict(cpu, b.x.view(), theirs)),
              1.0)
        << "run " << r;
  }
}

TEST(KmeansPathsCuda, RandomInitMatchesCpu) {
  EM_REQUIRE_GPU();
  const auto b = em_test::make_blobs(3000, 10, 6, 12.0, em_test::test_seed(1424));
  em::resources cpu("cpu"), gpu("cuda");
  em::kmeans_params p;
  p.k = 6;
  p.init = em::kmeans_init::random;
  p.n_init = 4;
  p.seed = 2;
  const auto g = em::kmeans(gpu, b.x.view(), p);
  const auto h = em::kmeans(cpu, b.x.view(), p);
  EXPECT_EQ(ari(g.labels, h.labels), 1.0);
  EXPECT_NEAR(g.inertia, h.inertia, 1e-5 * h.inertia);
}

TEST(KmeansPathsCuda, CosineWithGivenCentresAndPredict) {
  EM_REQUIRE_GPU();
  const auto b = em_test::make_blobs(2500, 12, 5, 6.0, em_test::test_seed(1425));
  em::host_matrix init(5, 12);
  for (std::int64_t c = 0; c < 5; ++c)
    for (std::int64_t j = 0; j < 12; ++j) init(c, j) = b.x(c * 97, j);
  em::resources cpu("cpu"), gpu("cuda");
  em::kmeans_params p;
  p.k = 5;
  p.metric = em::kmeans_metric::cosine;
  p.init = em::kmeans_init::given;
  p.initial_centers = init.view();
  const auto g = em::kmeans(gpu, b.x.view(), p);
  const auto h = em::kmeans(cpu, b.x.view(), p);
  EXPECT_EQ(ari(g.labels, h.labels), 1.0);
  EXPECT_NEAR(g.inertia, h.inertia, 1e-5 * (1.0 + h.inertia));
  for (std::int64_t c = 0; c < 5; ++c)
    for (std::int64_t j = 0; j < 12; ++j) EXPECT_NEAR(g.centers(c, j), h.centers(c, j), 1e-5);
  em_test::device_rows dc(g.centers);
  EXPECT_EQ(em::kmeans_predict(gpu, b.x.view(), dc.view(), em::kmeans_metric::cosine),
            em::kmeans_predict(cpu, b.x.view(), g.centers.view(), em::kmeans_metric::cosine));
}

TEST(KmeansPathsCuda, EmptyClusterRelocationMatchesCpu) {
  EM_REQUIRE_GPU();
  // Two far centres start with no points: each takes the row farthest from
  // its centre, as scikit-learn's _relocate_empty_clusters.
  const auto b = em_test::make_blobs(1500, 3, 3, 8.0, em_test::test_seed(1426));
  em::host_matrix init(5, 3);
  for (std::int64_t j = 0; j < 3; ++j) {
    for (std::int64_t c = 0; c < 3; ++c) init(c, j) = b.x(c, j);
    init(3, j) = 1000.0f;
    init(4, j) = -1000.0f;
  }
  em::resources cpu("cpu"), gpu("cuda");
  em::kmeans_params p;
  p.k = 5;
  p.init = em::kmeans_init::given;
  p.initial_centers = init.view();
  p.max_iter = 50;
  const auto g = em::kmeans(gpu, b.x.view(), p);
  const auto h = em::kmeans(cpu, b.x.view(), p);
  EXPECT_GT(ari(g.labels, h.labels), 0.999);
  std::vector<std::int64_t> counts(5, 0);
  for (const auto l : g.labels) ++counts[static_cast<std::size_t>(l)];
  for (std::int64_t c = 0; c < 5; ++c) {
    EXPECT_GT(counts[static_cast<std::size_t>(c)], 0) << "cluster " << c << " left empty";
    for (std::int64_t j = 0; j < 3; ++j) EXPECT_NEAR(g.centers(c, j), h.centers(c, j), 1e-3);
  }
}

TEST(KmeansPathsCuda, OneDimension) {
  EM_REQUIRE_GPU();
  const auto b = em_test::make_blobs(2000, 1, 4, 20.0, em_test::test_seed(1427));
  em::resources cpu("cpu"), gpu("cuda");
  em::kmeans_params p;
  p.k = 4;
  p.seed = 5;
  const auto g = em::kmeans(gpu, b.x.view(), p);
  const auto h = em::kmeans(cpu, b.x.view(), p);
  EXPECT_EQ(ari(g.labels, h.labels), 1.0);
  EXPECT_NEAR(g.inertia, h.inertia, 1e-5 * h.inertia);
}

TEST(StridedViewsCuda, EveryEntryPointReadsOnlyTheColumns) {
  EM_REQUIRE_GPU();
  // Rows 7 floats apart hold 5 values and 2 NaN: a read past a row shows.
  const auto b = em_test::make_blobs(1200, 5, 4, 8.0, em_test::test_seed(1428));
  const auto c = em_test::random_normal(4, 5, em_test::test_seed(1429));
  em_test::device_rows dx(b.x, 7), dc(c, 7);
  const em::matrix_view v = dx.view();
  ASSERT_EQ(v.ld(), 7);
  em::resources cpu("cpu"), gpu("cuda");

  em::kmeans_params p;
  p.k = 4;
  EXPECT_EQ(ari(em::kmeans(gpu, v, p).labels, em::kmeans(cpu, b.x.view(), p).labels), 1.0);
  p.metric = em::kmeans_metric::cosine;
  EXPECT_EQ(ari(em::kmeans(gpu, v, p).labels, em::kmeans(cpu, b.x.view(), p).labels), 1.0);
  p.metric = em::kmeans_metric::euclidean;
  p.init = em::kmeans_init::given;
  p.initial_centers = dc.view();
  EXPECT_EQ(ari(em::kmeans(gpu, v, p).labels, [&] {
              p.initial_centers = c.view();
              return em::kmeans(cpu, b.x.view(), p).labels;
            }()),
            1.0);
  expect_same_assignment(b.x, c, em::kmeans_predict(gpu, v, dc.view()),
                         em::kmeans_predict(cpu, b.x.view(), c.view()));

  EXPECT_NEAR(em::silhouette(gpu, v, b.labels).score, em::silhouette(cpu, b.x.view(), b.labels).score, 1e-5);
  EXPECT_NEAR(em::silhouette_simplified(gpu, v, b.labels).score,
              em::silhouette_simplified(cpu, b.x.view(), b.labels).score, 1e-5);
  const auto kg = em::knn(gpu, v, 5), kc = em::knn(cpu, b.x.view(), 5);
  for (std::size_t i = 0; i < kc.distances.size(); ++i)
    ASSERT_NEAR(kg.distances[i], kc.distances[i], 1e-4 * (1.0 + kc.distances[i])) << i;
  const double he = em::knn_entropy(cpu, b.x.view()).entropy;
  EXPECT_NEAR(em::knn_entropy(gpu, v).entropy, he, 1e-4 * std::abs(he));
  const double ge = em::gaussian_entropy(cpu, b.x.view()).entropy;
  EXPECT_NEAR(em::gaussian_entropy(gpu, v).entropy, ge, 1e-6 * std::abs(ge));
  EXPECT_NEAR(em::effective_rank(gpu, v).effective_rank, em::effective_rank(cpu, b.x.view()).effective_rank, 1e-6);
  EXPECT_EQ(em::histogram_entropy(gpu, v).entropy, em::histogram_entropy(cpu, b.x.view()).entropy);

  em_test::device_rows out(1200, 4 + 3);  // 1200 x 4 distances, rows 7 apart
  const em::mutable_matrix_view ov(out.data(), 1200, 4, 7, em::memory_space::device);
  em::pairwise_sqeuclidean(gpu, v, dc.view(), ov);
  std::vector<float> got(1200 * 7);
  ASSERT_EQ(cudaMemcpy(got.data(), out.data(), sizeof(float) * got.size(), cudaMemcpyDeviceToHost), cudaSuccess);
  const auto want = em::pairwise_sqeuclidean(cpu, b.x.view(), c.view());
  for (std::int64_t i = 0; i < 1200; ++i)
    for (std::int64_t j = 0; j < 4; ++j)
      ASSERT_NEAR(got[static_cast<std::size_t>(i * 7 + j)], want(i, j), 1e-4f * (1.0f + want(i, j)));

  em::report_params rp;
  rp.k = 4;
  const auto rg = em::evaluate(gpu, v, {}, rp), rc = em::evaluate(cpu, b.x.view(), {}, rp);
  EXPECT_NEAR(*rg.silhouette, *rc.silhouette, 1e-5);
  EXPECT_NEAR(*rg.effective_rank, *rc.effective_rank, 1e-6);
}

TEST(ReportCuda, EvaluateMatchesTheCpuReport) {
  EM_REQUIRE_GPU();
  const auto b = em_test::make_blobs(3000, 24, 6, 6.0, em_test::test_seed(1430));
  em::resources cpu("cpu"), gpu("cuda");
  for (const bool normalize : {false, true}) {
    em::report_params rp;
    rp.k = 6;
    rp.seed = 4;
    rp.normalize = normalize;
    em_test::device_rows dx(b.x);
    em_test::device_labels dl(b.labels);
    const auto g = em::evaluate(gpu, dx.view(), dl.view(), rp);
    const auto c = em::evaluate(cpu, b.x.view(), b.labels, rp);
    SCOPED_TRACE(normalize ? "normalised" : "raw");
    EXPECT_EQ(g.device, "cuda:0");
    EXPECT_NEAR(*g.silhouette, *c.silhouette, 1e-5);
    EXPECT_NEAR(*g.ami_c1_c2, *c.ami_c1_c2, 1e-9);
    EXPECT_NEAR(*g.ari_c1_c2, *c.ari_c1_c2, 1e-9);
    EXPECT_NEAR(*g.inertia, *c.inertia, 1e-5 * *c.inertia);
    EXPECT_NEAR(*g.knn_entropy, *c.knn_entropy, 1e-4 * std::abs(*c.knn_entropy));
    EXPECT_NEAR(*g.gaussian_entropy, *c.gaussian_entropy, 1e-6 * std::abs(*c.gaussian_entropy));
    EXPECT_NEAR(*g.effective_rank, *c.effective_rank, 1e-6);
    EXPECT_NEAR(*g.ami_c1_gt, *c.ami_c1_gt, 1e-9);
    EXPECT_NEAR(*g.knn_accuracy, *c.knn_accuracy, 1e-9);
  }
}

TEST(SilhouettePathsCuda, PublicApiBeyondOneTileLarge) {
  EM_REQUIRE_GPU();
  // 20000 points: 3 x 3 tiles of the public API's 8192-point block.
  const auto b = em_test::make_blobs(20000, 16, 5, 3.0, em_test::test_seed(1431));
  em::resources cpu("cpu"), gpu("cuda");
  for (const auto m : {em::silhouette_metric::euclidean, em::silhouette_metric::cosine}) {
    em::silhouette_params sp;
    sp.metric = m;
    EXPECT_NEAR(em::silhouette(gpu, b.x.view(), b.labels, sp).score,
                em::silhouette(cpu, b.x.view(), b.labels, sp).score, 1e-5);
  }
}

TEST(KnnPathsCuda, OneDimensionAndCosineZeroRows) {
  EM_REQUIRE_GPU();
  em::resources cpu("cpu"), gpu("cuda");
  const auto x1 = em_test::random_normal(3000, 1, em_test::test_seed(1432));
  const auto g1 = em::knn(gpu, x1.view(), 4), c1 = em::knn(cpu, x1.view(), 4);
  EXPECT_EQ(g1.indices, c1.indices);
  for (std::size_t i = 0; i < c1.distances.size(); ++i)
    ASSERT_NEAR(g1.distances[i], c1.distances[i], 1e-6 * (1.0 + c1.distances[i])) << i;

  auto x = em_test::random_normal(800, 6, em_test::test_seed(1433));
  for (const std::int64_t zero : {0, 13, 799})
    for (std::int64_t j = 0; j < 6; ++j) x(zero, j) = 0.0f;
  const auto g = em::knn(gpu, x.view(), 3, em::knn_metric::cosine);
  const auto c = em::knn(cpu, x.view(), 3, em::knn_metric::cosine);
  EXPECT_EQ(g.indices, c.indices);
  for (std::size_t i = 0; i < c.distances.size(); ++i)
    ASSERT_NEAR(g.distances[i], c.distances[i], 1e-5) << i;
}
