// detail::region_errors: an exception thrown inside an OpenMP region is kept
// and rethrown after it (instead of std::terminate), and the library's own
// regions report an impossible allocation as out_of_memory.
#include <omp.h>

#include <atomic>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/test_util.hpp"
#include "core/memory.hpp"
#include "core/parallel_errors.hpp"
#include "embed_metrics/entropy.hpp"
#include "embed_metrics/error.hpp"

namespace em = embed_metrics;

// AddressSanitizer ends the process when operator new fails instead of
// throwing std::bad_alloc, so the tests that provoke one cannot run under it.
#if defined(__SANITIZE_ADDRESS__)
#define EM_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EM_UNDER_ASAN 1
#endif
#endif
#ifdef EM_UNDER_ASAN
#define EM_SKIP_UNDER_ASAN() GTEST_SKIP() << "AddressSanitizer aborts on a failed allocation"
#else
#define EM_SKIP_UNDER_ASAN() (void)0
#endif

TEST(RegionErrors, NothingThrownRunsEveryBodyAndRethrowsNothing) {
  em::detail::region_errors errors;
  std::vector<int> done(1000, 0);
#pragma omp parallel for num_threads(4) schedule(static)
  for (int i = 0; i < 1000; ++i) errors.run([&] { done[static_cast<std::size_t>(i)] = i + 1; });
  EXPECT_FALSE(errors.failed());
  EXPECT_NO_THROW(errors.rethrow_first());
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(done[static_cast<std::size_t>(i)], i + 1);
}

TEST(RegionErrors, OneThrowingIterationIsRethrownWithItsTypeAndMessage) {
  em::detail::region_errors errors;
#pragma omp parallel for num_threads(4) schedule(dynamic, 1)
  for (int i = 0; i < 200; ++i)
    errors.run([&] {
      if (i == 137) throw em::invalid_argument("row 137 is bad");
    });
  EXPECT_TRUE(errors.failed());
  try {
    errors.rethrow_first();
    FAIL() << "nothing was rethrown";
  } catch (const em::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "row 137 is bad");
  }
}

TEST(RegionErrors, OnlyTheFirstOfManyIsKeptAndLaterBodiesAreSkipped) {
  em::detail::region_errors errors;
  std::atomic<int> ran{0};
  const int n = 100000;
#pragma omp parallel for num_threads(4) schedule(dynamic, 1)
  for (int i = 0; i < n; ++i)
    errors.run([&] {
      ++ran;
      throw std::runtime_error("body " + std::to_string(i));
    });
  // Once a body has thrown, the others return at once: at most one body per
  // thread can have started before the flag was seen.
  EXPECT_LE(ran.load(), 4);
  EXPECT_GE(ran.load(), 1);
  try {
    errors.rethrow_first();
    FAIL() << "nothing was rethrown";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("body ", 0), 0U) << e.what();
  }
}

TEST(RegionErrors, AFailedThreadStillMeetsEveryWorksharingLoop) {
  // Thread 1 fails before the inner loops; the team must not hang at their
  // barriers, and the loops' other bodies are skipped.
  em::detail::region_errors errors;
  std::atomic<int> bodies{0};
  std::atomic<int> team{0};
#pragma omp parallel num_threads(4)
  {
#pragma omp single
    team = omp_get_num_threads();
    errors.run([&] {
      if (omp_get_thread_num() == 1) throw std::bad_alloc();
    });
    for (int pass = 0; pass < 3; ++pass) {
#pragma omp for schedule(static)
      for (int i = 0; i < 64; ++i) errors.run([&] { ++bodies; });
    }
  }
  if (team.load() >= 2) {
    EXPECT_THROW(errors.rethrow_first(), std::bad_alloc);
    EXPECT_LT(bodies.load(), 3 * 64);
  } else {  // a one-thread team (OMP_THREAD_LIMIT=1): thread 1 never exists
    EXPECT_FALSE(errors.failed());
    EXPECT_EQ(bodies.load(), 3 * 64);
  }
}

TEST(RegionErrors, NestedRegionsPassTheExceptionOut) {
  em::detail::region_errors outer;
#pragma omp parallel for num_threads(2)
  for (int i = 0; i < 4; ++i)
    outer.run([&] {
      em::detail::region_errors inner;
#pragma omp parallel for num_threads(2)
      for (int j = 0; j < 4; ++j)
        inner.run([&] {
          if (i == 2 && j == 3) throw em::format_error("inner 2,3");
        });
      inner.rethrow_first();
    });
  EXPECT_THROW(outer.rethrow_first(), em::format_error);
}

TEST(OutOfMemory, AnImpossibleHistogramIsOutOfMemoryNotATerminate) {
  EM_SKIP_UNDER_ASAN();
  // 2^50 bins of 8 bytes per thread: the buffers are taken before the
  // parallel region, and the failure is reported with its size.
  const auto x = em_test::random_normal(50, 3, em_test::test_seed(5));
  em::resources res("cpu", 2);
  em::histogram_params p;
  p.bins = std::int64_t{1} << 50;
  try {
    (void)em::histogram_entropy(res, x.view(), p);
    FAIL() << "no error";
  } catch (const em::out_of_memory& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("out of memory: needed "), std::string::npos) << msg;
    EXPECT_NE(msg.find("histograms"), std::string::npos) << msg;
  }
}

TEST(OutOfMemory, BytesSaturateInsteadOfWrapping) {
  EXPECT_EQ(em::detail::bytes_for(std::uint64_t{1} << 62, 8), UINT64_MAX);
  EXPECT_EQ(em::detail::bytes_for(1000, 8), 8000U);
  EXPECT_EQ(em::detail::add_bytes(UINT64_MAX - 1, 5), UINT64_MAX);
  EXPECT_EQ(em::detail::add_bytes(2, 5), 7U);
}

TEST(OutOfMemory, RequireMemoryRefusesMoreThanTheMachineHas) {
  const std::uint64_t have = em::detail::physical_memory_bytes();
  ASSERT_GT(have, 0U);
  EXPECT_NO_THROW(em::detail::require_memory(1024, "a small buffer"));
  try {
    em::detail::require_memory(have + 1, "the test's buffer");
    FAIL() << "no error";
  } catch (const em::out_of_memory& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("the test's buffer needs " + std::to_string(have + 1) + " bytes"), std::string::npos) << msg;
    EXPECT_NE(msg.find("this machine has " + std::to_string(have) + " bytes"), std::string::npos) << msg;
  }
}

TEST(OutOfMemory, AnImpossibleMatrixIsOutOfMemory) {
  EM_SKIP_UNDER_ASAN();
  EXPECT_THROW((void)em::host_matrix::uninitialized(std::int64_t{1} << 40, std::int64_t{1} << 20),
               em::out_of_memory);
  EXPECT_THROW((void)em::host_matrix::uninitialized(std::int64_t{1} << 24, std::int64_t{1} << 24),
               em::out_of_memory);
}
