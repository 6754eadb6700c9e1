// The CUDA kNN against the CPU backend (the oracle) on random inputs.
#include <cuda_runtime_api.h>

#include "common/test_util.hpp"
#include "embed_metrics/error.hpp"
#include "embed_metrics/knn.hpp"

namespace em = embed_metrics;

namespace {
void expect_same(const em::knn_result& gpu, const em::knn_result& cpu) {
  ASSERT_EQ(gpu.n, cpu.n);
  ASSERT_EQ(gpu.k, cpu.k);
  EXPECT_EQ(gpu.indices, cpu.indices);
  for (std::size_t t = 0; t < cpu.distances.size(); ++t)
    EXPECT_NEAR(gpu.distances[t], cpu.distances[t], 1e-6 * (1.0 + cpu.distances[t])) << t;
}
}  // namespace

TEST(KnnCuda, MatchesCpuEuclideanAndCosine) {
  EM_REQUIRE_GPU();
  const auto seed = em_test::test_seed(61);
  // Above one 16384-column tile, so the running lists are merged across tiles.
  const auto x = em_test::random_normal(17000, 24, seed);
  em::resources cpu("cpu"), gpu("cuda");
  for (auto metric : {em::knn_metric::euclidean, em::knn_metric::cosine})
    for (std::int64_t k : {1, 3, 20}) {
      SCOPED_TRACE(testing::Message() << "k = " << k << " cosine = " << (metric == em::knn_metric::cosine));
      expect_same(em::knn(gpu, x.view(), k, metric), em::knn(cpu, x.view(), k, metric));
    }
}

TEST(KnnCuda, DuplicatesTiesAndDeviceViews) {
  EM_REQUIRE_GPU();
  const auto g = em_test::load_golden("entropy.json")["knn"]["ties"];
  const auto x = em_test::matrix_from_json(g["x"]);
  em::resources cpu("cpu"), gpu("cuda");
  const auto want = em::knn(cpu, x.view(), 6);
  expect_same(em::knn(gpu, x.view(), 6), want);
  float* dx = nullptr;
  const auto bytes = sizeof(float) * static_cast<std::size_t>(x.rows() * x.cols());
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void**>(&dx), bytes), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(dx, x.data(), bytes, cudaMemcpyHostToDevice), cudaSuccess);
  const em::matrix_view dv(dx, x.rows(), x.cols(), 0, em::memory_space::device);
  expect_same(em::knn(gpu, dv, 6), want);
  cudaFree(dx);
  EXPECT_THROW((void)em::knn(gpu, x.view(), x.rows()), em::invalid_argument);
}

TEST(KnnCuda, LargeKAndSmallN) {
  EM_REQUIRE_GPU();
  const auto x = em_test::random_normal(130, 9, em_test::test_seed(62));
  em::resources cpu("cpu"), gpu("cuda");
  for (std::int64_t k : {100, 124, 129 - 9})
    expect_same(em::knn(gpu, x.view(), k), em::knn(cpu, x.view(), k));
  EXPECT_THROW((void)em::knn(gpu, x.view(), 125), em::invalid_argument);
}

TEST(KnnCuda, AccuracyMatchesCpu) {
  EM_REQUIRE_GPU();
  const auto b = em_test::make_blobs(3000, 16, 10, 1.0, em_test::test_seed(63));
  em::resources cpu("cpu"), gpu("cuda");
  EXPECT_DOUBLE_EQ(em::knn_accuracy(gpu, b.x.view(), b.labels, 20),
                   em::knn_accuracy(cpu, b.x.view(), b.labels, 20));
}
