// The label-free metrics on the GPU against the CPU backend (the oracle), on
// random inputs with a printed seed, for host and device views; they skip
// without a device.
#include <cuda_runtime_api.h>

#include <cmath>
#include <vector>

#include "common/test_util.hpp"
#include "embed_metrics/cluster_scores.hpp"
#include "embed_metrics/spectrum_metrics.hpp"
#include "embed_metrics/uniformity.hpp"

namespace em = embed_metrics;

namespace {

// A device copy of a host matrix, freed with the object.
class device_copy {
 public:
  explicit device_copy(const em::host_matrix& x) : rows_(x.rows()), cols_(x.cols()) {
    const auto bytes = sizeof(float) * static_cast<std::size_t>(rows_ * cols_);
    if (cudaMalloc(reinterpret_cast<void**>(&p_), bytes) != cudaSuccess) p_ = nullptr;
    if (p_ != nullptr) cudaMemcpy(p_, x.data(), bytes, cudaMemcpyHostToDevice);
  }
  ~device_copy() { cudaFree(p_); }
  device_copy(const device_copy&) = delete;
  device_copy& operator=(const device_copy&) = delete;
  [[nodiscard]] em::matrix_view view() const { return {p_, rows_, cols_, 0, em::memory_space::device}; }
  [[nodiscard]] bool ok() const { return p_ != nullptr; }

 private:
  float* p_ = nullptr;
  std::int64_t rows_, cols_;
};

}  // namespace

TEST(LabelFreeCuda, ClusterScoresMatchCpu) {
  EM_REQUIRE_GPU();
  const auto b = em_test::make_blobs(5000, 32, 6, 3.0, em_test::test_seed(191));
  em::resources cpu("cpu"), gpu("cuda");
  const device_copy dx(b.x);
  ASSERT_TRUE(dx.ok());
  for (const auto& xv : {b.x.view(), dx.view()}) {
    const double db = em::davies_bouldin(gpu, xv, b.labels).score;
    const double ch = em::calinski_harabasz(gpu, xv, b.labels).score;
    EXPECT_NEAR(db, em::davies_bouldin(cpu, b.x.view(), b.labels).score, 1e-9 * db);
    EXPECT_NEAR(ch, em::calinski_harabasz(cpu, b.x.view(), b.labels).score, 1e-9 * ch);
  }
  const std::vector<std::int64_t> one(5000, 3);
  EXPECT_THROW((void)em::davies_bouldin(gpu, dx.view(), one), em::metric_undefined);
}

TEST(LabelFreeCuda, UniformityMatchesCpuAcrossTiles) {
  EM_REQUIRE_GPU();
  em::resources cpu("cpu"), gpu("cuda");
  // 9000 rows: three 4096-row device tiles, the last one partial.
  for (const std::int64_t n : {300, 9000}) {
    const auto x = em_test::random_normal(n, 48, em_test::test_seed(192));
    const device_copy dx(x);
    ASSERT_TRUE(dx.ok());
    const double want = em::uniformity(cpu, x.view()).uniformity;
    EXPECT_NEAR(em::uniformity(gpu, x.view()).uniformity, want, 1e-5) << n;
    EXPECT_NEAR(em::uniformity(gpu, dx.view()).uniformity, want, 1e-5) << n;
  }
}

TEST(LabelFreeCuda, AlignmentAndCollapseStdMatchCpu) {
  EM_REQUIRE_GPU();
  em::resources cpu("cpu"), gpu("cuda");
  const auto a = em_test::random_normal(3000, 40, em_test::test_seed(193));
  auto b = a;
  for (std::int64_t i = 0; i < b.rows(); ++i)
    for (std::int64_t j = 0; j < b.cols(); ++j) b(i, j) += 0.25f * a((i + 7) % a.rows(), j);
  const device_copy da(a), db(b);
  ASSERT_TRUE(da.ok() && db.ok());
  for (const double alpha : {2.0, 1.0}) {
    em::alignment_params p;
    p.alpha = alpha;
    const double want = em::alignment(cpu, a.view(), b.view(), p).alignment;
    EXPECT_NEAR(em::alignment(gpu, da.view(), db.view(), p).alignment, want, 1e-12 * want);
  }
  EXPECT_EQ(em::alignment(gpu, da.view(), da.view()).alignment, 0.0);
  const double sd = em::collapse_std(cpu, a.view()).collapse_std;
  EXPECT_NEAR(em::collapse_std(gpu, da.view()).collapse_std, sd, 1e-12 * sd);
}

TEST(LabelFreeCuda, SpectrumMetricsAndLidarMatchCpu) {
  EM_REQUIRE_GPU();
  em::resources cpu("cpu"), gpu("cuda");
  for (const auto& shape : {std::pair<std::int64_t, std::int64_t>{2000, 32}, {20, 64}}) {
    const auto x = em_test::random_normal(shape.first, shape.second, em_test::test_seed(194));
    const device_copy dx(x);
    ASSERT_TRUE(dx.ok());
    const auto rc = em::spectrum_metrics(cpu, x.view());
    const auto rg = em::spectrum_metrics(gpu, dx.view());
    ASSERT_EQ(rg.spectrum.size(), rc.spectrum.size());
    for (std::size_t i = 0; i < rc.spectrum.size(); ++i)
      EXPECT_NEAR(rg.spectrum[i], rc.spectrum[i], 1e-9 * rc.spectrum[0]) << i;
    EXPECT_NEAR(rg.alpha_req, rc.alpha_req, 1e-6 * std::abs(rc.alpha_req));
    EXPECT_NEAR(rg.nesum, rc.nesum, 1e-9 * rc.nesum);
  }
  const auto x = em_test::random_normal(1200, 16, em_test::test_seed(195));
  std::vector<std::int64_t> groups(1200);
  for (std::int64_t i = 0; i < 1200; ++i) groups[static_cast<std::size_t>(i)] = (i * 7) % 300;
  const device_copy dx(x);
  ASSERT_TRUE(dx.ok());
  const double want = em::lidar(cpu, x.view(), groups).lidar;
  EXPECT_NEAR(em::lidar(gpu, dx.view(), groups).lidar, want, 1e-9 * want);
}
