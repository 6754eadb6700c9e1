// Large float32 .npy files are used in place (the matrix adopts the file's
// private copy-on-write mapping): same values, the file never written, and
// NaN/Inf still reported or dropped.
#include <cmath>
#include <fstream>

#include "common/test_util.hpp"
#include "embed_metrics/error.hpp"
#include "embed_metrics/io.hpp"

namespace em = embed_metrics;

namespace {

// 36 MiB: above the size from which files are used in place.
constexpr std::int64_t kRows = 36864, kCols = 256;

em::host_matrix ramp() {
  em::host_matrix m(kRows, kCols);
  for (std::int64_t i = 0; i < kRows * kCols; ++i) m.data()[i] = static_cast<float>(i % 9973) * 0.25f;
  return m;
}

}  // namespace

TEST(IoLarge, Float32FileReadsTheSameValuesAndIsNeverWritten) {
  const auto src = ramp();
  const std::string path = (em_test::temp_dir("large") / "big.npy").string();
  em::save_npy(path, src.view());
  {
    auto e = em::load_embeddings(path);
    ASSERT_EQ(e.matrix.rows(), kRows);
    ASSERT_EQ(e.matrix.cols(), kCols);
    EXPECT_EQ(e.format, "npy");
    EXPECT_EQ(e.matrix.values(), src.values());
    // Writing into the loaded matrix must not reach the file.
    e.matrix(0, 0) = -1.0f;
    e.matrix(kRows - 1, kCols - 1) = -2.0f;
    const em::host_matrix copy = e.matrix;  // a copy owns its storage
    EXPECT_EQ(copy(0, 0), -1.0f);
  }
  const auto again = em::load_embeddings(path);
  EXPECT_EQ(again.matrix(0, 0), src(0, 0));
  EXPECT_EQ(again.matrix(kRows - 1, kCols - 1), src(kRows - 1, kCols - 1));
}

TEST(IoLarge, NonFiniteRowsAreStillReportedOrDropped) {
  auto src = ramp();
  src(30001, 7) = NAN;
  src(5, 0) = INFINITY;
  const std::string path = (em_test::temp_dir("large") / "bad.npy").string();
  em::save_npy(path, src.view());
  try {
    (void)em::load_embeddings(path);
    FAIL() << "expected an error for the Inf in row 5";
  } catch (const em::error& e) {
    EXPECT_NE(std::string(e.what()).find("row 5"), std::string::npos) << e.what();
  }
  em::load_options o;
  o.drop_nonfinite = true;
  const auto e = em::load_embeddings(path, o);
  EXPECT_EQ(e.dropped_rows, 2);
  EXPECT_EQ(e.matrix.rows(), kRows - 2);
  EXPECT_EQ(e.matrix(5, 0), src(6, 0));
}
