// Entropy and spectrum estimators on the GPU against the CPU backend.
#include <cuda_runtime_api.h>

#include <cmath>

#include "common/test_util.hpp"
#include "embed_metrics/entropy.hpp"

namespace em = embed_metrics;

TEST(EntropyCuda, AllEstimatorsMatchCpu) {
  EM_REQUIRE_GPU();
  const auto seed = em_test::test_seed(71);
  auto x = em_test::random_normal(9000, 48, seed);
  for (std::int64_t i = 0; i < 9000; ++i) x(i, 3) += 20.0f;  // an offset column
  em::resources cpu("cpu"), gpu("cuda");
  const auto kc = em::knn_entropy(cpu, x.view());
  const auto kg = em::knn_entropy(gpu, x.view());
  EXPECT_NEAR(kg.entropy, kc.entropy, 1e-6 * std::abs(kc.entropy));
  const auto gc = em::gaussian_entropy(cpu, x.view());
  const auto gg = em::gaussian_entropy(gpu, x.view());
  EXPECT_NEAR(gg.entropy, gc.entropy, 1e-9 * std::abs(gc.entropy));
  const auto rc = em::effective_rank(cpu, x.view());
  const auto rg = em::effective_rank(gpu, x.view());
  EXPECT_NEAR(rg.effective_rank, rc.effective_rank, 1e-9 * rc.effective_rank);

  // Device views.
  float* dx = nullptr;
  const auto bytes = sizeof(float) * static_cast<std::size_t>(x.rows() * x.cols());
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void**>(&dx), bytes), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(dx, x.data(), bytes, cudaMemcpyHostToDevice), cudaSuccess);
  const em::matrix_view dv(dx, x.rows(), x.cols(), 0, em::memory_space::device);
  EXPECT_NEAR(em::gaussian_entropy(gpu, dv).entropy, gc.entropy, 1e-9 * std::abs(gc.entropy));
  const auto hc = em::histogram_entropy(cpu, x.view());
  const auto hg = em::histogram_entropy(gpu, dv);
  EXPECT_EQ(hg.per_dimension, hc.per_dimension);
  cudaFree(dx);
}

TEST(EntropyCuda, ShortWideInputUsesTheRowGramLikeTheCpu) {
  // n < d: both backends take the n x n Gram matrix of the rows; the
  // thresholds are applied on the host, so the null counts are equal.
  EM_REQUIRE_GPU();
  auto x = em_test::random_normal(40, 300, em_test::test_seed(72));
  for (std::int64_t i = 0; i < 40; ++i) x(i, 7) += 5.0f;
  em::resources cpu("cpu"), gpu("cuda");
  const auto gc = em::gaussian_entropy(cpu, x.view());
  const auto gg = em::gaussian_entropy(gpu, x.view());
  EXPECT_EQ(gc.null_eigenvalues, 300 - 40 + 1);
  EXPECT_EQ(gg.null_eigenvalues, gc.null_eigenvalues);
  EXPECT_NEAR(gg.entropy, gc.entropy, 1e-9 * std::abs(gc.entropy));
  const auto rc = em::effective_rank(cpu, x.view());
  const auto rg = em::effective_rank(gpu, x.view());
  EXPECT_NEAR(rg.effective_rank, rc.effective_rank, 1e-9 * rc.effective_rank);
  EXPECT_EQ(rg.zero_singular_values, rc.zero_singular_values);
}
