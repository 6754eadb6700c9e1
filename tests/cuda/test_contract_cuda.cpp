// The CUDA backend's contract with a trainer, on a GPU: ordering on the
// caller's stream and after the legacy default stream, the private memory
// pool, errors that do not poison the next call, and device views checked
// for placement and finiteness in every metric. Each result is compared with
// the CPU backend (the oracle) on random data with a printed seed; skipped,
// saying why, without a GPU.
#include <cuda_runtime_api.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "backend/cuda_backend.hpp"
#include "common/test_util.hpp"
#include "cuda/device_data.hpp"
#include "cuda/spin_writer.hpp"
#include "embed_metrics/agreement.hpp"
#include "embed_metrics/distance.hpp"
#include "embed_metrics/entropy.hpp"
#include "embed_metrics/error.hpp"
#include "embed_metrics/kmeans.hpp"
#include "embed_metrics/knn.hpp"
#include "embed_metrics/report.hpp"
#include "embed_metrics/silhouette.hpp"

namespace em = embed_metrics;

namespace {

constexpr double kDelayMs = 200.0;  // far longer than queuing the library's work takes

struct user_stream {
  cudaStream_t s = nullptr;
  user_stream() { EXPECT_EQ(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), cudaSuccess); }
  ~user_stream() {
    cudaStreamSynchronize(s);
    cudaStreamDestroy(s);
  }
  user_stream(const user_stream&) = delete;
  user_stream& operator=(const user_stream&) = delete;
};

// Device memory holding a copy of @p m, written on @p stream by a kernel that
// first spins kDelayMs: correct only when read after that kernel.
struct delayed_input {
  em_test::device_rows src;
  em_test::device_rows dst;
  delayed_input(const em::host_matrix& m, cudaStream_t stream)
      : src(m), dst(m.rows(), m.cols()) {
    EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);  // src is in place before the race starts
    em_test::delayed_copy(dst.data(), src.data(), static_cast<std::size_t>(m.rows() * m.cols()),
                          kDelayMs, stream);
  }
};

bool same_partition(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
  return em::agreement(em::resources("cpu"), a, b).ari == 1.0;
}

}  // namespace

TEST(StreamCuda, UserStreamOrdersWorkAfterTheCallersWrites) {
  EM_REQUIRE_GPU();
  const auto b = em_test::make_blobs(4000, 16, 5, 8.0, em_test::test_seed(1401));
  em::resources cpu("cpu"), gpu("cuda");
  user_stream us;
  gpu.set_stream(us.s);
  EXPECT_EQ(gpu.stream(), static_cast<void*>(us.s));
  em::kmeans_params p;
  p.k = 5;
  p.seed = 3;
  const auto want = em::kmeans(cpu, b.x.view(), p);

  delayed_input in(b.x, us.s);
  const auto got = em::kmeans(gpu, in.dst.view(), p);  // queued while the spin runs
  EXPECT_TRUE(same_partition(got.labels, want.labels));
  EXPECT_NEAR(got.inertia, want.inertia, 1e-4 * want.inertia);

  delayed_input again(b.x, us.s);
  em_test::device_labels dl(want.labels);
  const auto s_gpu = em::silhouette(gpu, again.dst.view(), dl.view());
  const auto s_cpu = em::silhouette(cpu, b.x.view(), want.labels);
  EXPECT_NEAR(s_gpu.score, s_cpu.score, 1e-5);

  delayed_input third(b.x, us.s);
  const auto k_gpu = em::knn(gpu, third.dst.view(), 4);
  const auto k_cpu = em::knn(cpu, b.x.view(), 4);
  ASSERT_EQ(k_gpu.distances.size(), k_cpu.distances.size());
  for (std::size_t i = 0; i < k_cpu.distances.size(); ++i)
    ASSERT_NEAR(k_gpu.distances[i], k_cpu.distances[i], 1e-4 * (1.0 + k_cpu.distances[i])) << i;
}

TEST(StreamCuda, OwnStreamIsOrderedAfterTheLegacyDefaultStream) {
  EM_REQUIRE_GPU();
  const auto x = em_test::random_normal(3000, 12, em_test::test_seed(1402));
  em::resources cpu("cpu"), gpu("cuda");
  delayed_input in(x, nullptr);  // the legacy default stream, as a framework's default
  const auto g = em::gaussian_entropy(gpu, in.dst.view());
  const auto c = em::gaussian_entropy(cpu, x.view());
  EXPECT_NEAR(g.entropy, c.entropy, 1e-6 * std::abs(c.entropy));
}

TEST(StreamCuda, DeviceOutputsAreReadyOnTheStream) {
  EM_REQUIRE_GPU();
  const auto x = em_test::random_normal(700, 9, em_test::test_seed(1403));
  const auto y = em_test::random_normal(300, 9, em_test::test_seed(1404));
  em::resources cpu("cpu"), gpu("cuda");
  user_stream us;
  gpu.set_stream(us.s);
  em_test::device_rows dx(x), dy(y), out(700, 300);
  em::pairwise_sqeuclidean(gpu, dx.view(), dy.view(), out.mutable_view());
  std::vector<float> got(700 * 300);
  // Read back on the same stream: ordered after the library's writes.
  ASSERT_EQ(cudaMemcpyAsync(got.data(), out.data(), sizeof(float) * got.size(), cudaMemcpyDeviceToHost, us.s),
            cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(us.s), cudaSuccess);
  const auto want = em::pairwise_sqeuclidean(cpu, x.view(), y.view());
  for (std::int64_t i = 0; i < 700; ++i)
    for (std::int64_t j = 0; j < 300; ++j)
      ASSERT_NEAR(got[static_cast<std::size_t>(i * 300 + j)], want(i, j), 1e-4f * (1.0f + want(i, j)));
}

TEST(StreamCuda, SetStreamNullptrReturnsToTheOwnStream) {
  EM_REQUIRE_GPU();
  em::resources gpu("cuda");
  void* own = gpu.stream();
  ASSERT_NE(own, nullptr);
  user_stream us;
  gpu.set_stream(us.s);
  EXPECT_EQ(gpu.stream(), static_cast<void*>(us.s));
  gpu.set_stream(nullptr);
  EXPECT_EQ(gpu.stream(), own);
  unsigned flags = 99;
  ASSERT_EQ(cudaStreamGetFlags(static_cast<cudaStream_t>(own), &flags), cudaSuccess);
  EXPECT_EQ(flags, static_cast<unsigned>(cudaStreamDefault)) << "the own stream must be blocking";
}

TEST(MemoryCuda, PoolRetainsAtMostTheDocumentedAmountAndReleasesAll) {
  EM_REQUIRE_GPU();
  cudaMemPool_t default_pool = nullptr;
  ASSERT_EQ(cudaDeviceGetDefaultMemPool(&default_pool, 0), cudaSuccess);
  std::uint64_t before = 0, after = 0;
  ASSERT_EQ(cudaMemPoolGetAttribute(default_pool, cudaMemPoolAttrReleaseThreshold, &before), cudaSuccess);
  const auto b = em_test::make_blobs(20000, 16, 4, 6.0, em_test::test_seed(1405));
  em::resources gpu("cuda");
  (void)em::silhouette(gpu, b.x.view(), b.labels);  // a 256 MiB tile and more
  EXPECT_LE(em::gpu::reserved_bytes(gpu), em::resources::retained_device_bytes);
  gpu.release_memory();
  EXPECT_EQ(em::gpu::reserved_bytes(gpu), 0u);
  ASSERT_EQ(cudaMemPoolGetAttribute(default_pool, cudaMemPoolAttrReleaseThreshold, &after), cudaSuccess);
  EXPECT_EQ(after, before) << "the device's default pool must keep the process's settings";
}

TEST(ErrorsCuda, OutOfMemoryNamesTheSizeAndDoesNotPoisonTheNextCall) {
  EM_REQUIRE_GPU();
  em::resources cpu("cpu"), gpu("cuda");
  // 400k x 400k distances (640 GB) to host memory need a device matrix of that
  // size first: the allocation fails before the host buffer is touched.
  const std::int64_t n = 400000;
  const auto x = em_test::random_normal(n, 1, em_test::test_seed(1406));
  em_test::device_rows dx(x);
  std::vector<float> small(1);
  const em::mutable_matrix_view out(small.data(), n, n);
  try {
    em::pairwise_sqeuclidean(gpu, dx.view(), dx.view(), out);
    FAIL() << "expected out_of_memory";
  } catch (const em::out_of_memory& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("640000000000 bytes"), std::string::npos) << m;
    EXPECT_NE(m.find("distance matrix"), std::string::npos) << m;
  }
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  const auto b = em_test::make_blobs(2000, 8, 4, 8.0, em_test::test_seed(1407));
  em::kmeans_params p;
  p.k = 4;
  const auto g = em::kmeans(gpu, b.x.view(), p);
  const auto c = em::kmeans(cpu, b.x.view(), p);
  EXPECT_TRUE(same_partition(g.labels, c.labels));
}

TEST(ErrorsCuda, HostPointerGivenAsDeviceViewIsAnArgumentError) {
  EM_REQUIRE_GPU();
  const auto x = em_test::random_normal(200, 4, em_test::test_seed(1408));
  const std::vector<std::int64_t> l = em_test::random_labels(200, 3, 1409);
  const em::matrix_view bad(x.data(), 200, 4, 0, em::memory_space::device);
  const em::label_view bad_l(l.data(), 200, em::memory_space::device);
  em::resources gpu("cuda");
  const std::vector<std::pair<const char*, std::function<void()>>> calls = {
      {"kmeans", [&] { em::kmeans_params p; p.k = 3; (void)em::kmeans(gpu, bad, p); }},
      {"kmeans_predict", [&] { (void)em::kmeans_predict(gpu, x.view(), bad.row_block(0, 3)); }},
      {"silhouette", [&] { (void)em::silhouette(gpu, bad, l); }},
      {"silhouette labels", [&] { (void)em::silhouette(gpu, x.view(), bad_l); }},
      {"silhouette_simplified", [&] { (void)em::silhouette_simplified(gpu, bad, l); }},
      {"knn", [&] { (void)em::knn(gpu, bad, 3); }},
      {"gaussian_entropy", [&] { (void)em::gaussian_entropy(gpu, bad); }},
      {"histogram_entropy", [&] { (void)em::histogram_entropy(gpu, bad); }},
      {"pairwise_sqeuclidean", [&] { (void)em::pairwise_sqeuclidean(gpu, bad, x.view()); }},
      {"contingency", [&] { (void)em::contingency(gpu, bad_l, l); }},
  };
  for (const auto& [name, call] : calls) {
    try {
      call();
      ADD_FAILURE() << name << ": a host pointer given as a device view was accepted";
    } catch (const em::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("points to host memory"), std::string::npos) << name << ": " << e.what();
    }
    EXPECT_EQ(cudaGetLastError(), cudaSuccess) << name;
  }
  EXPECT_NO_THROW((void)em::knn(gpu, x.view(), 3));  // the next call is unaffected
}

TEST(ErrorsCuda, NonFiniteDeviceInputIsRejectedByEveryMetric) {
  EM_REQUIRE_GPU();
  auto x = em_test::random_normal(300, 5, em_test::test_seed(1410));
  x(17, 3) = std::numeric_limits<float>::infinity();
  x(250, 0) = std::numeric_limits<float>::quiet_NaN();
  const std::vector<std::int64_t> l = em_test::random_labels(300, 3, 1411);
  const auto centres = em_test::random_normal(3, 5, 1412);
  em_test::device_rows dx(x);
  const em::matrix_view v = dx.view();
  em::resources gpu("cuda");
  em::report_params rp;
  rp.k = 3;
  const std::vector<std::pair<const char*, std::function<void()>>> calls = {
      {"kmeans", [&] { em::kmeans_params p; p.k = 3; (void)em::kmeans(gpu, v, p); }},
      {"kmeans cosine", [&] { em::kmeans_params p; p.k = 3; p.metric = em::kmeans_metric::cosine; (void)em::kmeans(gpu, v, p); }},
      {"kmeans_predict", [&] { (void)em::kmeans_predict(gpu, v, centres.view()); }},
      {"silhouette", [&] { (void)em::silhouette(gpu, v, l); }},
      {"silhouette_simplified", [&] { (void)em::silhouette_simplified(gpu, v, l); }},
      {"knn", [&] { (void)em::knn(gpu, v, 3); }},
      {"knn_entropy", [&] { (void)em::knn_entropy(gpu, v); }},
      {"gaussian_entropy", [&] { (void)em::gaussian_entropy(gpu, v); }},
      {"effective_rank", [&] { (void)em::effective_rank(gpu, v); }},
      {"histogram_entropy", [&] { (void)em::histogram_entropy(gpu, v); }},
      {"pairwise_sqeuclidean", [&] { (void)em::pairwise_sqeuclidean(gpu, v, v); }},
      {"evaluate", [&] { (void)em::evaluate(gpu, v, {}, rp); }},
  };
  for (const auto& [name, call] : calls) {
    try {
      call();
      ADD_FAILURE() << name << ": NaN/Inf in a device view was accepted";
    } catch (const em::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("row 17"), std::string::npos) << name << ": " << e.what();
    }
  }
}

TEST(ErrorsCuda, KmeansRefusesTwoToThe31RowsBeforeReadingThem) {
  EM_REQUIRE_GPU();
  // A view of 2^31 rows over a small allocation: the 32-bit guard must fire
  // before any kernel reads past it.
  const em::host_matrix small(4, 1);
  em_test::device_rows dx(small);
  const std::int64_t n = std::int64_t{1} << 31;
  const em::matrix_view huge(dx.data(), n, 1, 0, em::memory_space::device);
  em::resources gpu("cuda");
  em::kmeans_params p;
  p.k = 2;
  for (const bool predict : {false, true}) {
    try {
      if (predict) {
        (void)em::kmeans_predict(gpu, huge, small.view().row_block(0, 2));
      } else {
        (void)em::kmeans(gpu, huge, p);
      }
      ADD_FAILURE() << "2^31 rows accepted";
    } catch (const em::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("fewer than 2^31 rows"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
}
