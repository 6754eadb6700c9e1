// The backend interface on the CPU: the table backend_for gives CPU
// resources, every family of it present, and the row preparation primitive
// the metrics share (the frame of core/row_prep.hpp, the zero-row policy,
// host copies that refuse device views).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "core/row_prep.hpp"
#include "embed_metrics/error.hpp"
#include "embed_metrics/resources.hpp"

namespace em = embed_metrics;

namespace {

TEST(BackendTable, CpuResourcesGetTheCpuTableWithEveryFamily) {
  const em::resources res("cpu");
  const em::detail::backend& be = em::detail::backend_for(res);
  EXPECT_EQ(&be, &em::cpu::backend_table());
  EXPECT_EQ(std::string(be.name), "cpu");
  EXPECT_NE(be.rows, nullptr);
  EXPECT_NE(be.distance, nullptr);
  EXPECT_NE(be.silhouette, nullptr);
  EXPECT_NE(be.knn, nullptr);
  EXPECT_NE(be.agreement, nullptr);
  EXPECT_NE(be.entropy, nullptr);
}

// Far from the origin, so that the frame's offset and exponent both matter.
std::vector<float> shifted_rows(std::int64_t n, std::int64_t d) {
  std::vector<float> v(static_cast<std::size_t>(n * d));
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < d; ++j)
      v[static_cast<std::size_t>(i * d + j)] =
          1000.0f + 0.25f * static_cast<float>((i * 7 + j * 3) % 11) - static_cast<float>(j);
  return v;
}

TEST(BackendTable, EuclideanPreparationIsTheCoreFrame) {
  const em::resources res("cpu");
  const std::int64_t n = 50;
  const std::int64_t d = 6;
  const std::vector<float> v = shifted_rows(n, d);
  const em::matrix_view x(v.data(), n, d);
  const auto p = em::detail::backend_for(res).rows->prepare(
      res, x, em::detail::row_geometry::euclidean, em::detail::zero_row_policy::keep, "x");
  const em::detail::row_frame frame = em::detail::fit_row_frame(
      x, em::detail::row_geometry::euclidean, em::detail::zero_row_policy::keep, res.threads());
  const em::host_matrix want = em::detail::prepare_rows(x, frame, "x", res.threads());
  ASSERT_EQ(p.view.space, em::memory_space::host);
  ASSERT_EQ(p.view.rows, n);
  ASSERT_EQ(p.view.cols, d);
  EXPECT_EQ(p.frame.exponent, frame.exponent);
  EXPECT_EQ(p.frame.offset, frame.offset);
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < d; ++j) EXPECT_EQ(p.view.row(i)[j], want(i, j)) << i << "," << j;
  // Back in the caller's units: (prepared * 2^e + offset) is the input.
  for (std::int64_t j = 0; j < d; ++j)
    EXPECT_EQ(std::ldexp(static_cast<double>(p.view.row(3)[j]), p.frame.exponent) +
                  p.frame.offset[static_cast<std::size_t>(j)],
              static_cast<double>(v[static_cast<std::size_t>(3 * d + j)]));
}

TEST(BackendTable, CosinePreparationAppliesTheZeroRowPolicy) {
  const em::resources res("cpu");
  const std::vector<float> v = {3, 4, 0, 0, 0, 0, 0, 5, 12};
  const em::matrix_view x(v.data(), 3, 3);
  const auto& rows = *em::detail::backend_for(res).rows;
  const auto kept =
      rows.prepare(res, x, em::detail::row_geometry::cosine, em::detail::zero_row_policy::keep, "x");
  EXPECT_FLOAT_EQ(kept.view.row(0)[0], 0.6f);
  EXPECT_FLOAT_EQ(kept.view.row(0)[1], 0.8f);
  EXPECT_EQ(kept.view.row(1)[0], 0.0f);
  EXPECT_FLOAT_EQ(kept.view.row(2)[2], 12.0f / 13.0f);
  try {
    (void)rows.prepare(res, x, em::detail::row_geometry::cosine,
                       em::detail::zero_row_policy::reject, "embeddings");
    FAIL() << "a zero row under the reject policy must throw";
  } catch (const em::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("embeddings row 1 is all zeros"), std::string::npos)
        << e.what();
  }
}

TEST(BackendTable, HostCopiesRefuseDeviceViewsOnTheCpu) {
  const em::resources res("cpu");
  const auto& rows = *em::detail::backend_for(res).rows;
  std::vector<float> v(12, 1.0f);
  std::vector<std::int64_t> l = {4, 2, 4};
  EXPECT_EQ(rows.labels_on_host(res, em::label_view(l.data(), 3), "labels"), l);
  const em::host_matrix h = rows.matrix_on_host(res, em::matrix_view(v.data(), 3, 2, 4), "x");
  EXPECT_EQ(h.rows(), 3);
  EXPECT_EQ(h.cols(), 2);
  EXPECT_THROW((void)rows.labels_on_host(
                   res, em::label_view(l.data(), 3, em::memory_space::device), "labels"),
               em::invalid_argument);
  EXPECT_THROW((void)rows.matrix_on_host(
                   res, em::matrix_view(v.data(), 3, 4, 0, em::memory_space::device), "x"),
               em::invalid_argument);
}

}  // namespace
