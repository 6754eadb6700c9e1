// Agreement scores on the GPU against the CPU backend (the oracle).
#include <cuda_runtime_api.h>

#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "common/test_util.hpp"
#include "embed_metrics/agreement.hpp"
#include "embed_metrics/error.hpp"

namespace em = embed_metrics;

namespace {

void expect_same_table(const em::contingency_table& x, const em::contingency_table& y) {
  EXPECT_EQ(x.n, y.n);
  EXPECT_EQ(x.values_a, y.values_a);
  EXPECT_EQ(x.values_b, y.values_b);
  EXPECT_EQ(x.sizes_a, y.sizes_a);
  EXPECT_EQ(x.sizes_b, y.sizes_b);
  EXPECT_EQ(x.row, y.row);
  EXPECT_EQ(x.col, y.col);
  EXPECT_EQ(x.count, y.count);
}

void expect_same_scores(const em::agreement_result& c, const em::agreement_result& g) {
  EXPECT_EQ(c.n, g.n);
  EXPECT_EQ(c.clusters_a, g.clusters_a);
  EXPECT_EQ(c.clusters_b, g.clusters_b);
  // The table is the same, so only the EMI sum order (a CUB reduction) differs.
  EXPECT_NEAR(c.expected_mi, g.expected_mi, 1e-12 * (1.0 + c.expected_mi));
  EXPECT_NEAR(c.ami, g.ami, 1e-11);
  EXPECT_EQ(c.ari, g.ari);
  EXPECT_EQ(c.mi, g.mi);
  EXPECT_EQ(c.nmi, g.nmi);
  EXPECT_EQ(c.fowlkes_mallows, g.fowlkes_mallows);
  EXPECT_EQ(c.purity, g.purity);
  EXPECT_EQ(c.accuracy, g.accuracy);
}

}  // namespace

TEST(AgreementCuda, MatchesCpuOnRandomHostLabels) {
  EM_REQUIRE_GPU();
  const auto seed = em_test::test_seed(61);
  em::resources cpu("cpu"), gpu("cuda");
  const std::int64_t shapes[][3] = {{5000, 10, 10}, {20000, 300, 200}, {3000, 1, 7}, {1000, 900, 5}};
  std::uint64_t s = seed;
  for (const auto& sh : shapes) {
    const auto a = em_test::random_labels(sh[0], sh[1], s++);
    const auto b = em_test::random_labels(sh[0], sh[2], s++);
    SCOPED_TRACE(testing::Message() << sh[0] << " " << sh[1] << "x" << sh[2]);
    expect_same_table(em::contingency(cpu, a, b), em::contingency(gpu, a, b));
    expect_same_scores(em::agreement(cpu, a, b), em::agreement(gpu, a, b));
  }
}

TEST(AgreementCuda, DeviceLabelsAreReadInPlace) {
  EM_REQUIRE_GPU();
  const auto seed = em_test::test_seed(62);
  auto a = em_test::random_labels(50000, 100, seed);
  auto b = em_test::random_labels(50000, 80, seed + 1);
  for (auto& x : a) x = x * 1000003 - (std::int64_t{1} << 62);  // negative and spread out
  std::int64_t *da = nullptr, *db = nullptr;
  const std::size_t bytes = sizeof(std::int64_t) * a.size();
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void**>(&da), bytes), cudaSuccess);
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void**>(&db), bytes), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(da, a.data(), bytes, cudaMemcpyHostToDevice), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(db, b.data(), bytes, cudaMemcpyHostToDevice), cudaSuccess);
  em::resources cpu("cpu"), gpu("cuda");
  const em::label_view va(da, 50000, em::memory_space::device), vb(db, 50000, em::memory_space::device);
  expect_same_table(em::contingency(cpu, a, b), em::contingency(gpu, va, vb));
  expect_same_scores(em::agreement(cpu, a, b), em::agreement(gpu, va, vb));
  cudaFree(da);
  cudaFree(db);
}

TEST(AgreementCuda, EdgeCasesMatchCpu) {
  EM_REQUIRE_GPU();
  em::resources cpu("cpu"), gpu("cuda");
  std::vector<std::int64_t> singles(1000);
  std::iota(singles.begin(), singles.end(), -500);
  const std::vector<std::int64_t> ones(1000, INT64_MAX);
  const std::vector<std::vector<std::int64_t>> sides = {
      singles, ones, em_test::random_labels(1000, 4, em_test::test_seed(63))};
  for (const auto& a : sides)
    for (const auto& b : sides) expect_same_scores(em::agreement(cpu, a, b), em::agreement(gpu, a, b));
  const std::vector<std::int64_t> one = {INT64_MIN};
  expect_same_scores(em::agreement(cpu, one, one), em::agreement(gpu, one, one));
  const std::vector<std::int64_t> empty;
  EXPECT_THROW((void)em::agreement(gpu, empty, empty), em::error);
}
