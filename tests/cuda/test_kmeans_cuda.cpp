// k-means on the GPU against the CPU backend (the oracle) and the
// scikit-learn goldens; skipped, saying why, where no GPU is present.
#include <cuda_runtime_api.h>

#include <cmath>
#include <limits>
#include <map>

#include "common/test_util.hpp"
#include "embed_metrics/error.hpp"
#include "embed_metrics/kmeans.hpp"

namespace em = embed_metrics;

namespace {

bool same_partition(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
  if (a.size() != b.size()) return false;
  std::map<std::int64_t, std::int64_t> ab, ba;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ab.emplace(a[i], b[i]);
    ba.emplace(b[i], a[i]);
    if (ab[a[i]] != b[i] || ba[b[i]] != a[i]) return false;
  }
  return true;
}

/// A device copy of a host matrix, freed at scope exit.
struct device_copy {
  float* ptr = nullptr;
  explicit device_copy(const em::host_matrix& m) {
    const auto bytes = sizeof(float) * static_cast<std::size_t>(m.rows() * m.cols());
    EXPECT_EQ(cudaMalloc(reinterpret_cast<void**>(&ptr), bytes), cudaSuccess);
    EXPECT_EQ(cudaMemcpy(ptr, m.data(), bytes, cudaMemcpyHostToDevice), cudaSuccess);
  }
  ~device_copy() { cudaFree(ptr); }
  device_copy(const device_copy&) = delete;
  device_copy& operator=(const device_copy&) = delete;
};

}  // namespace

TEST(KmeansCuda, MatchesCpuOnWellSeparatedData) {
  EM_REQUIRE_GPU();
  const auto b = em_test::make_blobs(5000, 32, 12, 12.0, em_test::test_seed(31));
  em::resources cpu("cpu"), gpu("cuda");
  for (const auto metric : {em::kmeans_metric::euclidean, em::kmeans_metric::cosine}) {
    em::kmeans_params p;
    p.k = 12;
    p.seed = 5;
    p.n_init = 3;
    p.metric = metric;
    const auto a = em::kmeans(cpu, b.x.view(), p);
    const auto g = em::kmeans(gpu, b.x.view(), p);
    EXPECT_TRUE(same_partition(a.labels, g.labels));
    EXPECT_NEAR(g.inertia, a.inertia, 1e-4 * a.inertia);
    EXPECT_TRUE(g.converged);
  }
}

TEST(KmeansCuda, GivenCentresMatchScikitLearnGolden) {
  EM_REQUIRE_GPU();
  const auto g = em_test::load_golden("kmeans.json");
  const auto x = em_test::matrix_from_json(g["x"]);
  const auto k = g["k"].get<std::int64_t>();
  em::host_matrix init(k, x.cols());
  const auto rows = g["given"]["init_rows"].get<std::vector<std::int64_t>>();
  for (std::int64_t c = 0; c < k; ++c)
    for (std::int64_t j = 0; j < x.cols(); ++j) init(c, j) = x(rows[static_cast<std::size_t>(c)], j);
  em::kmeans_params p;
  p.k = k;
  p.init = em::kmeans_init::given;
  p.initial_centers = init.view();
  em::resources gpu("cuda");
  const auto r = em::kmeans(gpu, x.view(), p);
  EXPECT_EQ(r.labels, g["given"]["labels"].get<std::vector<std::int64_t>>());
  const double want = g["given"]["inertia"].get<double>();
  EXPECT_NEAR(r.inertia, want, 1e-5 * want);
  EXPECT_EQ(r.n_iter, g["given"]["n_iter"].get<int>());
}

TEST(KmeansCuda, SameSeedBitIdenticalAndBatchEqualsSingleRuns) {
  EM_REQUIRE_GPU();
  em::resources gpu("cuda");
  em::kmeans_params p;
  p.k = 10;
  // Same seed, same shapes: the same kernels in the same order, bit for bit.
  const auto o = em_test::make_blobs(3000, 20, 10, 0.7, em_test::test_seed(32));
  p.seed = 4;
  const auto first = em::kmeans(gpu, o.x.view(), p);
  const auto again = em::kmeans(gpu, o.x.view(), p);
  EXPECT_EQ(first.labels, again.labels);
  EXPECT_EQ(first.centers.values(), again.centers.values());
  EXPECT_EQ(first.inertia, again.inertia);
  // A batch stacks the runs' centres in one GEMM, whose shape (and so
  // cuBLAS's kernel and rounding) differs from a single run's: on well
  // separated data the clusterings are the same.
  const auto b = em_test::make_blobs(3000, 20, 10, 10.0, em_test::test_seed(36));
  const std::vector<std::uint64_t> seeds{1, 2, 3};
  const auto batch = em::kmeans_batch(gpu, b.x.view(), p, seeds);
  for (std::size_t r = 0; r < seeds.size(); ++r) {
    p.seed = seeds[r];
    const auto one = em::kmeans(gpu, b.x.view(), p);
    EXPECT_TRUE(same_partition(batch[r].labels, one.labels)) << "run " << r;
    EXPECT_NEAR(batch[r].inertia, one.inertia, 1e-5 * one.inertia);
  }
}

TEST(KmeansCuda, DeviceViewsUsedInPlace) {
  EM_REQUIRE_GPU();
  const auto b = em_test::make_blobs(2000, 16, 6, 10.0, em_test::test_seed(33));
  device_copy dx(b.x);
  em::resources gpu("cuda"), cpu("cpu");
  em::kmeans_params p;
  p.k = 6;
  p.seed = 9;
  const em::matrix_view dev(dx.ptr, 2000, 16, 0, em::memory_space::device);
  const auto g = em::kmeans(gpu, dev, p);
  const auto h = em::kmeans(gpu, b.x.view(), p);
  EXPECT_EQ(g.labels, h.labels);
  EXPECT_EQ(g.inertia, h.inertia);
  device_copy dc(g.centers);
  const em::matrix_view dcv(dc.ptr, 6, 16, 0, em::memory_space::device);
  EXPECT_EQ(em::kmeans_predict(gpu, dev, dcv), g.labels);
  EXPECT_EQ(em::kmeans_predict(cpu, b.x.view(), g.centers.view()), g.labels);
}

TEST(KmeansCuda, EmptyClustersAndDuplicates) {
  EM_REQUIRE_GPU();
  const auto base = em_test::random_normal(5, 3, em_test::test_seed(34));
  em::host_matrix x(50, 3);
  for (int i = 0; i < 50; ++i)
    for (int j = 0; j < 3; ++j) x(i, j) = base(i % 5, j);
  em::resources gpu("cuda");
  em::kmeans_params p;
  p.k = 8;
  for (const auto init : {em::kmeans_init::kmeans_plus_plus, em::kmeans_init::random}) {
    p.init = init;
    const auto r = em::kmeans(gpu, x.view(), p);
    EXPECT_EQ(r.inertia, 0.0);
    for (const auto l : r.labels) EXPECT_TRUE(l >= 0 && l < 8);
  }
  em::host_matrix one(6, 1);
  const float v[6] = {0.0f, 0.1f, 0.2f, 10.0f, 10.1f, 13.0f};
  for (int i = 0; i < 6; ++i) one(i, 0) = v[i];
  em::host_matrix c(3, 1);
  c(0, 0) = 0.1f;
  c(1, 0) = 10.5f;
  c(2, 0) = -100.0f;
  p.k = 3;
  p.init = em::kmeans_init::given;
  p.initial_centers = c.view();
  const auto r = em::kmeans(gpu, one.view(), p);
  EXPECT_EQ(r.labels[5], 2);
  EXPECT_FLOAT_EQ(r.centers(2, 0), 13.0f);
}

TEST(KmeansCuda, RejectsNonFiniteDeviceInput) {
  EM_REQUIRE_GPU();
  auto x = em_test::random_normal(100, 4, 35);
  x(42, 1) = std::numeric_limits<float>::quiet_NaN();
  device_copy dx(x);
  em::resources gpu("cuda");
  em::kmeans_params p;
  p.k = 3;
  try {
    (void)em::kmeans(gpu, em::matrix_view(dx.ptr, 100, 4, 0, em::memory_space::device), p);
    FAIL() << "expected invalid_argument";
  } catch (const em::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("row 42"), std::string::npos) << e.what();
  }
}
