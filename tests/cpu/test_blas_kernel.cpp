// The BLAS kernel `devices` suggests when OpenBLAS fell back to a generic one.
#include <gtest/gtest.h>

#include <string>

#include "cpu/blas.hpp"

namespace cpu = embed_metrics::cpu;

TEST(BlasKernel, AKernelOpenBlasChoseForTheCpuIsKept) {
  for (const char* k : {"SkylakeX", "Haswell", "Zen", "CooperLake", "SapphireRapids", "Neoverse N1"})
    EXPECT_EQ(cpu::kernel_for_cpu_features(k), "") << k;
}

TEST(BlasKernel, AGenericKernelGetsTheOneTheCpuFeaturesCallFor) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
                      __builtin_cpu_supports("avx512cd");
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const std::string want = avx512 ? "SkylakeX" : avx2 ? "Haswell" : "";
  for (const char* generic : {"Prescott", "Katmai", "Nehalem", "Sandybridge"})
    EXPECT_EQ(cpu::kernel_for_cpu_features(generic), want) << generic;
#else
  EXPECT_EQ(cpu::kernel_for_cpu_features("Prescott"), "");
#endif
}

TEST(BlasKernel, TheLibrarySaysWhichBlasRuns) {
  const auto info = cpu::blas_in_use();
  EXPECT_NE(info.config.find("OpenBLAS"), std::string::npos) << info.config;
  EXPECT_FALSE(info.kernel.empty());
  EXPECT_NE(info.kernel, "unknown");
  EXPECT_GE(info.threads, 1);
}
