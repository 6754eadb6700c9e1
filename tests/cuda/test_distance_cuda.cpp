// pairwise_sqeuclidean on the GPU against the CPU backend (the oracle).
#include <cuda_runtime_api.h>

#include <cmath>

#include "common/test_util.hpp"
#include "embed_metrics/distance.hpp"

namespace em = embed_metrics;

TEST(DistanceCuda, MatchesCpuOnHostInputs) {
  EM_REQUIRE_GPU();
  const auto seed = em_test::test_seed(21);
  const auto x = em_test::random_normal(513, 67, seed);
  const auto y = em_test::random_normal(129, 67, seed + 1);
  em::resources cpu("cpu"), gpu("cuda");
  const auto a = em::pairwise_sqeuclidean(cpu, x.view(), y.view());
  const auto b = em::pairwise_sqeuclidean(gpu, x.view(), y.view());
  for (std::int64_t i = 0; i < a.rows(); ++i)
    for (std::int64_t j = 0; j < a.cols(); ++j)
      EXPECT_NEAR(a(i, j), b(i, j), 2e-4 * (1.0 + a(i, j))) << i << "," << j;
}

TEST(DistanceCuda, DeviceViewsNeedNoCopyAndDiagonalIsZero) {
  EM_REQUIRE_GPU();
  const auto x = em_test::random_normal(300, 40, em_test::test_seed(22));
  float* dx = nullptr;
  float* dout = nullptr;
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void**>(&dx), sizeof(float) * 300 * 40), cudaSuccess);
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void**>(&dout), sizeof(float) * 300 * 300), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(dx, x.data(), sizeof(float) * 300 * 40, cudaMemcpyHostToDevice), cudaSuccess);
  em::resources gpu("cuda"), cpu("cpu");
  const em::matrix_view v(dx, 300, 40, 0, em::memory_space::device);
  em::pairwise_sqeuclidean(gpu, v, v, em::mutable_matrix_view(dout, 300, 300, 0, em::memory_space::device));
  gpu.synchronize();
  em::host_matrix got(300, 300);
  ASSERT_EQ(cudaMemcpy(got.data(), dout, sizeof(float) * 300 * 300, cudaMemcpyDeviceToHost), cudaSuccess);
  const auto want = em::pairwise_sqeuclidean(cpu, x.view(), x.view());
  for (std::int64_t i = 0; i < 300; ++i) {
    EXPECT_EQ(got(i, i), 0.0f);
    for (std::int64_t j = 0; j < 300; ++j) {
      EXPECT_GE(got(i, j), 0.0f);
      EXPECT_NEAR(got(i, j), want(i, j), 2e-4 * (1.0 + want(i, j)));
    }
  }
  cudaFree(dx);
  cudaFree(dout);
}
