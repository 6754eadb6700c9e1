// .npy: round trips through save_npy, every header variant NumPy writes
// (versions 1-3, byte orders, C and Fortran order, f2/f4/f8 and integers),
// labels, NaN/Inf handling, and each malformed-header case.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "common/test_util.hpp"
#include "embed_metrics/io.hpp"
#include "io_test_files.hpp"

namespace em = embed_metrics;
using em_test::io::expect_error;
using em_test::io::npy_file;
using em_test::io::npy_with_dict;
using em_test::io::raw_bytes;
using em_test::io::write_file;

namespace {

// 3 x 4 matrix with x(i, j) = 4 i + j - 5.5 (exact in f2, bf16, f4, f8).
float value(std::int64_t i, std::int64_t j) { return static_cast<float>(4 * i + j) - 5.5f; }

template <class T>
std::vector<T> c_order() {
  std::vector<T> v;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j) v.push_back(static_cast<T>(value(i, j)));
  return v;
}
template <class T>
std::vector<T> f_order() {
  std::vector<T> v;
  for (int j = 0; j < 4; ++j)
    for (int i = 0; i < 3; ++i) v.push_back(static_cast<T>(value(i, j)));
  return v;
}

void expect_matrix(const em::loaded_embeddings& e) {
  ASSERT_EQ(e.matrix.rows(), 3);
  ASSERT_EQ(e.matrix.cols(), 4);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j) EXPECT_EQ(e.matrix(i, j), value(i, j)) << i << "," << j;
  EXPECT_EQ(e.dropped_rows, 0);
  EXPECT_TRUE(e.kept_rows.empty());
}

// binary16 bits of a float that is exact in binary16 and normal there (or
// zero): the values used are k - 5.5 and integers below 2^11.
std::uint16_t to_half(float f) {
  std::uint32_t b;
  std::memcpy(&b, &f, 4);
  const std::uint32_t sign = (b >> 16) & 0x8000u;
  if (f == 0.0f) return static_cast<std::uint16_t>(sign);
  const int exp = static_cast<int>((b >> 23) & 0xff) - 127 + 15;
  const std::uint32_t mant = (b >> 13) & 0x3ffu;  // the low 13 bits are 0 for these values
  return static_cast<std::uint16_t>(sign | (static_cast<std::uint32_t>(exp) << 10) | mant);
}

}  // namespace

TEST(IoNpy, SaveLoadRoundTripFloat32) {
  const auto dir = em_test::temp_dir("npy");
  const auto x = em_test::random_normal(37, 5, em_test::test_seed(11));
  const std::string path = (dir / "x.npy").string();
  em::save_npy(path, x.view());
  const auto e = em::load_embeddings(path);
  EXPECT_EQ(e.format, "npy");
  EXPECT_EQ(e.source_dtype, "<f4");
  ASSERT_EQ(e.matrix.rows(), 37);
  ASSERT_EQ(e.matrix.cols(), 5);
  EXPECT_EQ(e.matrix.values(), x.values());
}

TEST(IoNpy, SaveStridedView) {
  const auto dir = em_test::temp_dir("npy");
  const auto x = em_test::random_normal(6, 8, 3);
  const em::matrix_view left(x.data(), 6, 3, 8);  // the first 3 columns
  const std::string path = (dir / "left.npy").string();
  em::save_npy(path, left);
  const auto e = em::load_embeddings(path);
  ASSERT_EQ(e.matrix.cols(), 3);
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 3; ++j) EXPECT_EQ(e.matrix(i, j), x(i, j));
}

TEST(IoNpy, SaveLabelsAndDoubles) {
  const auto dir = em_test::temp_dir("npy");
  const std::vector<std::int64_t> labels{3, -1, 7, 3, std::numeric_limits<std::int64_t>::max()};
  em::save_npy((dir / "l.npy").string(), labels);
  EXPECT_EQ(em::load_labels((dir / "l.npy").string()), labels);
  const std::vector<double> d{0.5, -2.25, 1e300};
  em::save_npy((dir / "d.npy").string(), d);
  const auto info = em::inspect_file((dir / "d.npy").string());
  EXPECT_EQ(info.dtype, "<f8");
  EXPECT_EQ(info.shape, (std::vector<std::int64_t>{3}));
  em::load_options drop;
  drop.drop_nonfinite = true;
  const auto e = em::load_embeddings((dir / "d.npy").string(), drop);
  EXPECT_EQ(e.dropped_rows, 1);  // 1e300 is Inf in float32
  EXPECT_EQ(e.kept_rows, (std::vector<std::int64_t>{0, 1}));
}

TEST(IoNpy, SavedHeaderIsAlignedAndReadable) {
  const auto dir = em_test::temp_dir("npy");
  const auto x = em_test::random_normal(2, 3, 1);
  em::save_npy((dir / "x.npy").string(), x.view());
  const std::string bytes = em_test::io::read_file(dir / "x.npy");
  ASSERT_GE(bytes.size(), 10u);
  const std::size_t header = 10 + static_cast<unsigned char>(bytes[8]) + 256u * static_cast<unsigned char>(bytes[9]);
  EXPECT_EQ(header % 64, 0u);
  EXPECT_EQ(bytes.size(), header + 6 * 4);
  EXPECT_EQ(bytes[header - 1], '\n');
  EXPECT_FALSE(std::filesystem::exists(dir / "x.npy.tmp"));
}

TEST(IoNpy, Float64And16AndBothOrders) {
  const auto dir = em_test::temp_dir("npy");
  expect_matrix(em::load_embeddings(write_file(dir / "f8.npy", npy_file("<f8", "(3, 4)", raw_bytes(c_order<double>())))));
  expect_matrix(em::load_embeddings(write_file(dir / "f4.npy", npy_file("<f4", "(3, 4)", raw_bytes(c_order<float>())))));
  std::vector<std::uint16_t> h;
  for (float v : c_order<float>()) h.push_back(to_half(v));
  const auto e = em::load_embeddings(write_file(dir / "f2.npy", npy_file("<f2", "(3, 4)", raw_bytes(h))));
  expect_matrix(e);
  EXPECT_EQ(e.source_dtype, "<f2");
  expect_matrix(em::load_embeddings(write_file(dir / "f8F.npy", npy_file("<f8", "(3, 4)", raw_bytes(f_order<double>()), true))));
  expect_matrix(em::load_embeddings(write_file(dir / "f4F.npy", npy_file("<f4", "(3, 4)", raw_bytes(f_order<float>()), true))));
}

TEST(IoNpy, BigEndian) {
  const auto dir = em_test::temp_dir("npy");
  const auto be4 = em_test::io::swap_bytes(raw_bytes(c_order<float>()), 4);
  const auto e = em::load_embeddings(write_file(dir / "be4.npy", npy_file(">f4", "(3, 4)", be4)));
  expect_matrix(e);
  EXPECT_EQ(e.source_dtype, ">f4");
  const auto be8 = em_test::io::swap_bytes(raw_bytes(f_order<double>()), 8);
  expect_matrix(em::load_embeddings(write_file(dir / "be8F.npy", npy_file(">f8", "(3, 4)", be8, true))));
  const auto bei = em_test::io::swap_bytes(raw_bytes(std::vector<std::int32_t>{5, -6, 70000}), 4);
  EXPECT_EQ(em::load_labels(write_file(dir / "bei.npy", npy_file(">i4", "(3,)", bei))),
            (std::vector<std::int64_t>{5, -6, 70000}));
}

TEST(IoNpy, Versions2And3) {
  const auto dir = em_test::temp_dir("npy");
  expect_matrix(em::load_embeddings(write_file(dir / "v2.npy", npy_file("<f4", "(3, 4)", raw_bytes(c_order<float>()), false, 2))));
  expect_matrix(em::load_embeddings(write_file(dir / "v3.npy", npy_file("<f4", "(3, 4)", raw_bytes(c_order<float>()), false, 3))));
}

TEST(IoNpy, IntegerEmbeddingsAndLabels) {
  const auto dir = em_test::temp_dir("npy");
  const std::vector<std::int16_t> v{1, -2, 3, 4, 5, -6};
  const auto e = em::load_embeddings(write_file(dir / "i2.npy", npy_file("<i2", "(2, 3)", raw_bytes(v))));
  ASSERT_EQ(e.matrix.rows(), 2);
  EXPECT_EQ(e.matrix(1, 2), -6.0f);
  const std::vector<std::uint8_t> u{0, 255, 7};
  EXPECT_EQ(em::load_labels(write_file(dir / "u1.npy", npy_file("|u1", "(3,)", raw_bytes(u)))),
            (std::vector<std::int64_t>{0, 255, 7}));
  const std::vector<std::int64_t> l{4, 4, 9};
  EXPECT_EQ(em::load_labels(write_file(dir / "col.npy", npy_file("<i8", "(3, 1)", raw_bytes(l)))), l);
  const auto info = em::inspect_file((dir / "col.npy").string());
  EXPECT_EQ(info.distinct_values, 2);
  const std::vector<std::uint64_t> big{1, 1ull << 63};
  expect_error<em::format_error>([&] { (void)em::load_labels(write_file(dir / "u8.npy", npy_file("<u8", "(2,)", raw_bytes(big)))); },
                                 {"u8.npy", "label 1", "does not fit"});
  const std::vector<double> frac{1.0, 2.5};
  expect_error<em::format_error>([&] { (void)em::load_labels(write_file(dir / "frac.npy", npy_file("<f8", "(2,)", raw_bytes(frac)))); },
                                 {"frac.npy", "label 1", "not an integer"});
  const std::vector<double> whole{1.0, -2.0};
  EXPECT_EQ(em::load_labels(write_file(dir / "whole.npy", npy_file("<f8", "(2,)", raw_bytes(whole)))),
            (std::vector<std::int64_t>{1, -2}));
  expect_error<em::format_error>([&] { (void)em::load_labels(write_file(dir / "2d.npy", npy_file("<i8", "(2, 2)", raw_bytes(std::vector<std::int64_t>{1, 2, 3, 4})))); },
                                 {"2d.npy", "1-D", "(2, 2)"});
}

TEST(IoNpy, OneDimensionalIsAColumn) {
  const auto dir = em_test::temp_dir("npy");
  const auto e = em::load_embeddings(write_file(dir / "v.npy", npy_file("<f4", "(3,)", raw_bytes(std::vector<float>{1, 2, 3}))));
  EXPECT_EQ(e.matrix.rows(), 3);
  EXPECT_EQ(e.matrix.cols(), 1);
}

TEST(IoNpy, HigherDimensionsFlattenTrailing) {
  const auto dir = em_test::temp_dir("npy");
  const auto e = em::load_embeddings(write_file(dir / "v.npy", npy_file("<f4", "(3, 1, 4)", raw_bytes(c_order<float>()))));
  expect_matrix(e);
}

TEST(IoNpy, EmptyArray) {
  const auto dir = em_test::temp_dir("npy");
  const auto e = em::load_embeddings(write_file(dir / "e.npy", npy_file("<f4", "(0, 4)", "")));
  EXPECT_EQ(e.matrix.rows(), 0);
  EXPECT_EQ(e.matrix.cols(), 4);
}

TEST(IoNpy, NonFiniteRowIsNamed) {
  const auto dir = em_test::temp_dir("npy");
  auto v = c_order<float>();
  v[2 * 4 + 1] = std::numeric_limits<float>::quiet_NaN();
  const auto path = write_file(dir / "nan.npy", npy_file("<f4", "(3, 4)", raw_bytes(v)));
  expect_error<em::invalid_argument>([&] { (void)em::load_embeddings(path); },
                                     {"nan.npy", "row 2", "column 1", "nan"});
  em::load_options o;
  o.drop_nonfinite = true;
  const auto e = em::load_embeddings(path, o);
  EXPECT_EQ(e.dropped_rows, 1);
  EXPECT_EQ(e.kept_rows, (std::vector<std::int64_t>{0, 1}));
  ASSERT_EQ(e.matrix.rows(), 2);
  EXPECT_EQ(e.matrix(1, 3), value(1, 3));
}

TEST(IoNpy, InfDroppedInMiddleKeepsOrder) {
  const auto dir = em_test::temp_dir("npy");
  auto v = f_order<double>();
  v[1] = -std::numeric_limits<double>::infinity();  // row 1, column 0 in Fortran order
  const auto path = write_file(dir / "inf.npy", npy_file("<f8", "(3, 4)", raw_bytes(v), true));
  expect_error<em::invalid_argument>([&] { (void)em::load_embeddings(path); }, {"inf.npy", "row 1", "-inf"});
  em::load_options o;
  o.drop_nonfinite = true;
  const auto e = em::load_embeddings(path, o);
  EXPECT_EQ(e.dropped_rows, 1);
  EXPECT_EQ(e.kept_rows, (std::vector<std::int64_t>{0, 2}));
  ASSERT_EQ(e.matrix.rows(), 2);
  for (int j = 0; j < 4; ++j) EXPECT_EQ(e.matrix(1, j), value(2, j));
}

TEST(IoNpy, LargeArrayParallelBlocksFirstBadRowAndDrop) {
  // 2048 x 600 floats: more than 2^20 elements, so blocks are converted in
  // parallel; the NaN at row 1500 lies in a later block than the Inf at row 700.
  const auto dir = em_test::temp_dir("npy");
  auto x = em_test::random_normal(2048, 600, em_test::test_seed(5));
  x(1500, 3) = std::numeric_limits<float>::quiet_NaN();
  x(700, 599) = std::numeric_limits<float>::infinity();
  const std::string path = (dir / "big.npy").string();
  em::save_npy(path, x.view());
  expect_error<em::invalid_argument>([&] { (void)em::load_embeddings(path); },
                                     {"big.npy", "row 700", "column 599"});
  em::load_options o;
  o.drop_nonfinite = true;
  const auto e = em::load_embeddings(path, o);
  EXPECT_EQ(e.dropped_rows, 2);
  ASSERT_EQ(e.matrix.rows(), 2046);
  ASSERT_EQ(e.kept_rows.size(), 2046u);
  for (std::int64_t i = 0; i < e.matrix.rows(); ++i) {
    const std::int64_t src = e.kept_rows[static_cast<std::size_t>(i)];
    EXPECT_EQ(src, i < 700 ? i : (i < 1499 ? i + 1 : i + 2));
    for (std::int64_t j = 0; j < 600; j += 97) ASSERT_EQ(e.matrix(i, j), x(src, j));
  }
}

TEST(IoNpy, LargeFortranFloat16) {
  // 1100 x 1000 float16 in Fortran order (more than 2^20 elements); values
  // (i + 3 j) mod 2048 are integers below 2^11, exact in binary16.
  const auto dir = em_test::temp_dir("npy");
  const std::int64_t n = 1100, d = 1000;
  std::vector<std::uint16_t> h(static_cast<std::size_t>(n * d));
  for (std::int64_t j = 0; j < d; ++j)
    for (std::int64_t i = 0; i < n; ++i) h[static_cast<std::size_t>(j * n + i)] = to_half(static_cast<float>((i + 3 * j) % 2048));
  const auto e = em::load_embeddings(write_file(dir / "h.npy", npy_file("<f2", "(1100, 1000)", raw_bytes(h), true)));
  ASSERT_EQ(e.matrix.rows(), n);
  ASSERT_EQ(e.matrix.cols(), d);
  for (std::int64_t i = 0; i < n; i += 37)
    for (std::int64_t j = 0; j < d; j += 41) ASSERT_EQ(e.matrix(i, j), static_cast<float>((i + 3 * j) % 2048));
}
