// The resources handle: device strings, fallbacks and errors.
#include <string>

#include "common/test_util.hpp"
#include "embed_metrics/error.hpp"
#include "embed_metrics/resources.hpp"

namespace em = embed_metrics;

TEST(Resources, CpuHandle) {
  em::resources res("cpu", 3);
  EXPECT_EQ(res.kind(), em::device_kind::cpu);
  EXPECT_FALSE(res.is_cuda());
  EXPECT_EQ(res.threads(), 3);
  EXPECT_EQ(res.device_index(), -1);
  EXPECT_EQ(res.device_string(), "cpu");
  EXPECT_EQ(res.describe(), "cpu (3 threads)");
  EXPECT_EQ(res.stream(), nullptr);
  EXPECT_NO_THROW(res.synchronize());
}

TEST(Resources, ZeroThreadsMeansAllCores) {
  em::resources res("cpu", 0);
  EXPECT_GE(res.threads(), 1);
}

TEST(Resources, AutoPicksCudaOnlyWhenADeviceIsThere) {
  em::resources res("auto");
  if (em::cuda_device_count() > 0) {
    EXPECT_TRUE(res.is_cuda());
  } else {
    EXPECT_EQ(res.kind(), em::device_kind::cpu);
    EXPECT_EQ(res.describe().rfind("cpu", 0), 0u);
  }
}

TEST(Resources, CudaWithoutDeviceOrBuildThrowsClearly) {
  if (em::cuda_device_count() > 0) GTEST_SKIP() << "a GPU is present: nothing to refuse";
  try {
    em::resources res("cuda");
    FAIL() << "expected backend_unavailable";
  } catch (const em::backend_unavailable& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("cuda"), std::string::npos) << msg;
    EXPECT_NE(msg.find("--device cpu"), std::string::npos) << msg;
  }
  EXPECT_THROW(em::resources("cuda:1"), em::backend_unavailable);
}

TEST(Resources, UnknownDeviceStrings) {
  EXPECT_THROW(em::resources("gpu"), em::invalid_argument);
  EXPECT_THROW(em::resources("cuda:x"), em::invalid_argument);
  EXPECT_THROW(em::resources("cuda:-1"), em::invalid_argument);
  EXPECT_THROW(em::resources("cpu", -2), em::invalid_argument);
}

TEST(Resources, SetStreamOnCpuIsAnError) {
  em::resources res("cpu");
  EXPECT_THROW(res.set_stream(nullptr), em::invalid_argument);
}

TEST(Resources, ErrorsShareOneBase) {
  try {
    em::resources res("nonsense");
  } catch (const em::error& e) {
    SUCCEED() << e.what();
    return;
  }
  FAIL() << "no embed_metrics::error thrown";
}
