// The report's covariance spectrum and C1's cluster sizes on the GPU against
// the CPU backend, for a device view (nothing copied but the d x d moments).
#include <cuda_runtime_api.h>

#include <numeric>

#include "common/test_util.hpp"
#include "embed_metrics/report.hpp"

namespace em = embed_metrics;

TEST(ReportSpectrumCuda, MatchesCpuOnADeviceView) {
  EM_REQUIRE_GPU();
  const auto b = em_test::make_blobs(4000, 24, 5, 4.0, em_test::test_seed(72));
  em::resources cpu("cpu"), gpu("cuda");
  em::report_params p;
  p.k = 5;
  p.entropy = false;
  p.covariance_spectrum = true;
  const auto rc = em::evaluate(cpu, b.x.view(), {}, p);
  float* dx = nullptr;
  const auto bytes = sizeof(float) * static_cast<std::size_t>(b.x.rows() * b.x.cols());
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void**>(&dx), bytes), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(dx, b.x.data(), bytes, cudaMemcpyHostToDevice), cudaSuccess);
  const auto rg = em::evaluate(
      gpu, em::matrix_view(dx, b.x.rows(), b.x.cols(), 0, em::memory_space::device), {}, p);
  cudaFree(dx);
  ASSERT_EQ(rg.covariance_spectrum.size(), rc.covariance_spectrum.size());
  for (std::size_t i = 0; i < rc.covariance_spectrum.size(); ++i)
    EXPECT_NEAR(rg.covariance_spectrum[i], rc.covariance_spectrum[i],
                1e-9 * rc.covariance_spectrum[0])
        << i;
  ASSERT_EQ(rg.cluster_sizes.size(), 5u);
  EXPECT_EQ(std::accumulate(rg.cluster_sizes.begin(), rg.cluster_sizes.end(), std::int64_t{0}),
            4000);
}
