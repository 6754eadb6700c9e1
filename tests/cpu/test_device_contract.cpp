// The CUDA backend's input and stream contract, as far as it can be checked
// without a GPU: a device view given to CPU resources is an error in every
// metric (never a read of device memory), the stream and memory calls on CPU
// resources, and the plain C++ rules the CUDA backend applies (pointer
// placement, 32-bit row limits, launch grid limits).
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "backend/device_checks.hpp"
#include "embed_metrics/agreement.hpp"
#include "embed_metrics/distance.hpp"
#include "embed_metrics/entropy.hpp"
#include "embed_metrics/error.hpp"
#include "embed_metrics/kmeans.hpp"
#include "embed_metrics/knn.hpp"
#include "embed_metrics/report.hpp"
#include "embed_metrics/resources.hpp"
#include "embed_metrics/silhouette.hpp"

namespace em = embed_metrics;
using em::gpu::pointer_kind;

namespace {

// Host memory labelled as device memory: the CPU backend must refuse it
// before reading it (the values are never looked at).
struct fake_device_input {
  std::vector<float> x = std::vector<float>(40 * 3, 1.0f);
  std::vector<std::int64_t> l = std::vector<std::int64_t>(40, 0);
  em::matrix_view dx{x.data(), 40, 3, 0, em::memory_space::device};
  em::label_view dl{l.data(), 40, em::memory_space::device};
  em::matrix_view hx{x.data(), 40, 3};
};

void expect_rejected(const std::string& what, const std::function<void()>& call) {
  try {
    call();
    ADD_FAILURE() << what << ": a device view on CPU resources was accepted";
  } catch (const em::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("device memory"), std::string::npos) << what << ": " << e.what();
  }
}

}  // namespace

TEST(DeviceContract, EveryMetricRejectsDeviceViewsOnCpuResources) {
  em::resources cpu("cpu");
  fake_device_input in;
  for (std::size_t i = 0; i < in.l.size(); ++i) in.l[i] = static_cast<std::int64_t>(i % 3);
  em::kmeans_params kp;
  kp.k = 3;
  expect_rejected("kmeans", [&] { (void)em::kmeans(cpu, in.dx, kp); });
  expect_rejected("kmeans_batch", [&] { (void)em::kmeans_batch(cpu, in.dx, kp, {1, 2}); });
  em::kmeans_params given = kp;
  given.init = em::kmeans_init::given;
  given.initial_centers = em::matrix_view(in.x.data(), 3, 3, 0, em::memory_space::device);
  expect_rejected("kmeans initial_centers", [&] { (void)em::kmeans(cpu, in.hx, given); });
  expect_rejected("kmeans_predict x", [&] { (void)em::kmeans_predict(cpu, in.dx, in.hx.row_block(0, 3)); });
  expect_rejected("kmeans_predict centers", [&] {
    (void)em::kmeans_predict(cpu, in.hx, in.dx.row_block(0, 3));
  });
  const em::label_view hl(in.l);
  expect_rejected("silhouette x", [&] { (void)em::silhouette(cpu, in.dx, hl); });
  expect_rejected("silhouette labels", [&] { (void)em::silhouette(cpu, in.hx, in.dl); });
  expect_rejected("silhouette_sampled", [&] { (void)em::silhouette_sampled(cpu, in.dx, hl, 10, 1); });
  expect_rejected("silhouette_simplified", [&] { (void)em::silhouette_simplified(cpu, in.dx, hl); });
  expect_rejected("knn", [&] { (void)em::knn(cpu, in.dx, 3); });
  expect_rejected("knn_accuracy", [&] { (void)em::knn_accuracy(cpu, in.dx, hl, 3); });
  expect_rejected("knn_entropy", [&] { (void)em::knn_entropy(cpu, in.dx); });
  expect_rejected("histogram_entropy", [&] { (void)em::histogram_entropy(cpu, in.dx); });
  expect_rejected("gaussian_entropy", [&] { (void)em::gaussian_entropy(cpu, in.dx); });
  expect_rejected("effective_rank", [&] { (void)em::effective_rank(cpu, in.dx); });
  expect_rejected("pairwise_sqeuclidean", [&] { (void)em::pairwise_sqeuclidean(cpu, in.dx, in.hx); });
  expect_rejected("contingency", [&] { (void)em::contingency(cpu, in.dl, hl); });
  expect_rejected("agreement", [&] { (void)em::agreement(cpu, hl, in.dl); });
  em::report_params rp;
  rp.k = 3;
  expect_rejected("evaluate", [&] { (void)em::evaluate(cpu, in.dx, {}, rp); });
}

TEST(DeviceContract, StreamAndMemoryCallsOnCpuResources) {
  em::resources cpu("cpu");
  EXPECT_EQ(cpu.stream(), nullptr);
  EXPECT_THROW(cpu.set_stream(reinterpret_cast<void*>(0x1)), em::invalid_argument);
  EXPECT_NO_THROW(cpu.release_memory());
  EXPECT_NO_THROW(cpu.synchronize());
  // The documented amount a CUDA handle keeps reserved after a call.
  EXPECT_EQ(em::resources::retained_device_bytes, std::size_t{64} << 20);
}

// One error type for host and device memory, so a caller catches both alike.
TEST(DeviceContract, OutOfMemoryIsOneErrorForHostAndDevice) {
  const std::string message = "cuda:0: could not allocate 2.00 GiB for the silhouette's distance tile";
  try {
    throw em::out_of_memory(message);
  } catch (const em::cuda_error&) {
    FAIL() << "out_of_memory must not be caught as a CUDA runtime failure";
  } catch (const em::error& e) {
    EXPECT_EQ(e.what(), message);
    EXPECT_NE(dynamic_cast<const em::out_of_memory*>(&e), nullptr);
  }
}

TEST(DeviceContract, PointerPlacementRules) {
  const auto dev = em::memory_space::device;
  const auto host = em::memory_space::host;
  EXPECT_EQ(em::gpu::pointer_problem(pointer_kind::device, 0, dev, 0, "x"), "");
  EXPECT_EQ(em::gpu::pointer_problem(pointer_kind::managed, 3, dev, 0, "x"), "");
  EXPECT_EQ(em::gpu::pointer_problem(pointer_kind::unregistered, -1, host, 0, "x"), "");
  EXPECT_EQ(em::gpu::pointer_problem(pointer_kind::host, -1, host, 0, "x"), "");
  const std::string host_as_device =
      em::gpu::pointer_problem(pointer_kind::unregistered, -1, dev, 0, "embeddings");
  EXPECT_NE(host_as_device.find("embeddings is marked memory_space::device but points to host memory"),
            std::string::npos)
      << host_as_device;
  EXPECT_NE(em::gpu::pointer_problem(pointer_kind::host, -1, dev, 0, "x").find("page-locked host"),
            std::string::npos);
  const std::string other = em::gpu::pointer_problem(pointer_kind::device, 1, dev, 0, "x");
  EXPECT_NE(other.find("cuda:1"), std::string::npos) << other;
  EXPECT_NE(other.find("cuda:0"), std::string::npos) << other;
  const std::string dev_as_host = em::gpu::pointer_problem(pointer_kind::device, 0, host, 0, "labels");
  EXPECT_NE(dev_as_host.find("labels is marked memory_space::host"), std::string::npos) << dev_as_host;
}

TEST(DeviceContract, ThirtyTwoBitRowLimit) {
  const std::int64_t limit = std::int64_t{1} << 31;
  EXPECT_NO_THROW(em::gpu::check_int32_rows(limit - 1, "x", "kmeans"));
  try {
    em::gpu::check_int32_rows(limit, "x", "kmeans");
    FAIL() << "2^31 rows accepted";
  } catch (const em::invalid_argument& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("kmeans on CUDA: x has 2147483648 rows"), std::string::npos) << m;
    EXPECT_NE(m.find("CPU resources"), std::string::npos) << m;
  }
}

TEST(DeviceContract, LaunchGridLimits) {
  EXPECT_EQ(em::gpu::launch_count(0, em::gpu::kMaxGridYZ), 0);
  EXPECT_EQ(em::gpu::launch_count(65535, em::gpu::kMaxGridYZ), 1);
  EXPECT_EQ(em::gpu::launch_count(65536, em::gpu::kMaxGridYZ), 2);
  // The silhouette's column sums at 100M points: 97657 chunks of 1024 rows,
  // two launches whose gridDim.y stays within the limit.
  const std::int64_t chunks = (100'000'000 + 1023) / 1024;
  EXPECT_EQ(em::gpu::launch_count(chunks, em::gpu::kMaxGridYZ), 2);
  EXPECT_EQ(em::gpu::capped_blocks(0, 256), 1);
  EXPECT_EQ(em::gpu::capped_blocks(257, 256), 2);
  EXPECT_EQ(em::gpu::capped_blocks(std::int64_t{1} << 50, 256), em::gpu::kMaxGridX);
  EXPECT_EQ(em::gpu::capped_blocks(std::int64_t{1} << 30, 256, 1 << 16), 1 << 16);
}

TEST(DeviceContract, StreamAndMemoryContractIsDocumented) {
  // The header and the README's C++ API section state the same contract.
  const std::string root = std::string(EM_GOLDEN_DIR) + "/../../";
  for (const char* file : {"include/embed_metrics/resources.hpp", "README.md"}) {
    std::ifstream in(root + file);
    ASSERT_TRUE(in) << file;
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    for (const char* phrase : {"cudaStreamCreate", "legacy default stream", "set_stream",
                               "release_memory", "retained_device_bytes", "cuVS"})
      EXPECT_NE(s.find(phrase), std::string::npos) << file << " does not mention " << phrase;
  }
}
