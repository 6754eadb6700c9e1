// Silhouette on the GPU against the CPU backend (the oracle), on random inputs
// with a printed seed: all metrics, few and many clusters, tiles small enough
// to cut clusters at many borders, device views, repeatability.
#include <cuda_runtime_api.h>

#include <cmath>
#include <string>

#include "backend/cuda_silhouette.hpp"
#include "common/test_util.hpp"
#include "embed_metrics/silhouette.hpp"
#include "metrics/silhouette_plan.hpp"

namespace em = embed_metrics;

namespace {

const char* const kMetrics[] = {"euclidean", "cosine", "sqeuclidean"};

void expect_close(const em::silhouette_result& g, const em::silhouette_result& c) {
  ASSERT_EQ(g.samples.size(), c.samples.size());
  for (std::size_t i = 0; i < c.samples.size(); ++i)
    ASSERT_NEAR(g.samples[i], c.samples[i], 1e-4) << "sample " << i;
  EXPECT_NEAR(g.score, c.score, 1e-5 * std::abs(c.score) + 1e-7);
  ASSERT_EQ(g.clusters.size(), c.clusters.size());
  for (std::size_t i = 0; i < c.clusters.size(); ++i) {
    EXPECT_EQ(g.clusters[i].label, c.clusters[i].label);
    EXPECT_EQ(g.clusters[i].size, c.clusters[i].size);
    EXPECT_NEAR(g.clusters[i].mean, c.clusters[i].mean, 1e-4);
  }
}

}  // namespace

TEST(SilhouetteCuda, MatchesCpuForEveryMetricAndClusterCount) {
  EM_REQUIRE_GPU();
  const auto seed = em_test::test_seed(31);
  em::resources cpu("cpu"), gpu("cuda");
  for (std::int64_t k : {2, 10, 300}) {
    const auto b = em_test::make_blobs(1500, 19, k, 1.0, seed + static_cast<std::uint64_t>(k));
    for (const char* name : kMetrics) {
      SCOPED_TRACE(std::string(name) + " k=" + std::to_string(k));
      em::silhouette_params p;
      p.metric = em::parse_silhouette_metric(name);
      expect_close(em::silhouette(gpu, b.x.view(), b.labels, p),
                   em::silhouette(cpu, b.x.view(), b.labels, p));
    }
  }
}

TEST(SilhouetteCuda, SmallTilesCutClustersAtManyBorders) {
  EM_REQUIRE_GPU();
  const auto seed = em_test::test_seed(32);
  em::resources cpu("cpu"), gpu("cuda");
  // Tiles of 77 x 77 points (not a multiple of the 32-column chunks).
  for (std::int64_t k : {3, 40, 250}) {
    const auto b = em_test::make_blobs(700, 6, k, 1.0, seed + static_cast<std::uint64_t>(k));
    const auto plan = em::detail::make_silhouette_plan(b.labels.data(), 700);
    for (const char* name : kMetrics) {
      SCOPED_TRACE(std::string(name) + " k=" + std::to_string(k));
      const auto metric = em::parse_silhouette_metric(name);
      std::vector<double> own, best;
      em::gpu::silhouette_sums(gpu, b.x.view(), plan, metric, own, best, 77);
      em::silhouette_params p;
      p.metric = metric;
      const auto want = em::silhouette(cpu, b.x.view(), b.labels, p);
      for (std::int64_t q = 0; q < 700; ++q) {
        const auto size = plan.size_of(plan.cluster[static_cast<std::size_t>(q)]);
        if (size > 1) own[static_cast<std::size_t>(q)] /= static_cast<double>(size - 1);
      }
      expect_close(em::detail::finish_silhouette(plan, own, best, true), want);
    }
  }
}

TEST(SilhouetteCuda, DeviceViewsAndRepeatability) {
  EM_REQUIRE_GPU();
  const auto b = em_test::make_blobs(900, 33, 7, 1.0, em_test::test_seed(33));
  float* dx = nullptr;
  std::int64_t* dl = nullptr;
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void**>(&dx), sizeof(float) * 900 * 33), cudaSuccess);
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void**>(&dl), sizeof(std::int64_t) * 900), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(dx, b.x.data(), sizeof(float) * 900 * 33, cudaMemcpyHostToDevice), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(dl, b.labels.data(), sizeof(std::int64_t) * 900, cudaMemcpyHostToDevice),
            cudaSuccess);
  em::resources gpu("cuda"), cpu("cpu");
  const em::matrix_view x(dx, 900, 33, 0, em::memory_space::device);
  const em::label_view l(dl, 900, em::memory_space::device);
  const auto r1 = em::silhouette(gpu, x, l);
  const auto r2 = em::silhouette(gpu, x, l);
  EXPECT_EQ(r1.score, r2.score);
  EXPECT_EQ(r1.samples, r2.samples);
  expect_close(r1, em::silhouette(cpu, b.x.view(), b.labels));
  // Host views on the GPU give the same bits as device views.
  EXPECT_EQ(em::silhouette(gpu, b.x.view(), b.labels).samples, r1.samples);
  cudaFree(dx);
  cudaFree(dl);
}

TEST(SilhouetteCuda, DuplicatePairsScoreExactlyOne) {
  EM_REQUIRE_GPU();
  em::host_matrix x(5, 3);
  const float pts[5][3] = {{1000.5f, -3.25f, 7.0f}, {1000.5f, -3.25f, 7.0f}, {0, 0, 0},
                           {0, 1, 0}, {1, 0, 0}};
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 3; ++j) x(i, j) = pts[i][j];
  em::resources gpu("cuda");
  const auto r = em::silhouette(gpu, x.view(), std::vector<std::int64_t>{4, 4, 9, 9, 9});
  EXPECT_EQ(r.samples[0], 1.0);
  EXPECT_EQ(r.samples[1], 1.0);
}

TEST(SilhouetteCuda, SampledAndSimplifiedMatchCpu) {
  EM_REQUIRE_GPU();
  const auto b = em_test::make_blobs(800, 12, 6, 1.5, em_test::test_seed(34));
  em::resources cpu("cpu"), gpu("cuda");
  for (const char* name : kMetrics) {
    SCOPED_TRACE(name);
    em::silhouette_params p;
    p.metric = em::parse_silhouette_metric(name);
    const auto gs = em::silhouette_sampled(gpu, b.x.view(), b.labels, 300, 5, p);
    const auto cs = em::silhouette_sampled(cpu, b.x.view(), b.labels, 300, 5, p);
    EXPECT_EQ(gs.sample_rows, cs.sample_rows);
    expect_close(gs, cs);
    const auto gm = em::silhouette_simplified(gpu, b.x.view(), b.labels, p);
    const auto cm = em::silhouette_simplified(cpu, b.x.view(), b.labels, p);
    EXPECT_FALSE(gm.exact);
    expect_close(gm, cm);
  }
}
