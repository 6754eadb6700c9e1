// Every layout the loader reads, from files written by NumPy
// (tests/golden/make_io.py): .npy versions 1-3, both byte orders, C and
// Fortran order, f2/f4/f8/integers; .npz stored and deflated; .safetensors
// F16/BF16/F32/F64/I64; CSV and TSV with and without a header; raw binary;
// labels as .npy and as text. Each must read the same numbers.

#include <gtest/gtest.h>

#include "common/test_util.hpp"
#include "embed_metrics/io.hpp"

namespace em = embed_metrics;

namespace {

std::string fixture(const std::string& name) { return std::string(EM_GOLDEN_DIR) + "/io/" + name; }

// make_io.py writes x[i, j] = 4 i + j - 5.5 (exact in every float type used).
void expect_x(const em::loaded_embeddings& e, const std::string& what, float offset = 0.0f) {
  ASSERT_EQ(e.matrix.rows(), 3) << what;
  ASSERT_EQ(e.matrix.cols(), 4) << what;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j)
      EXPECT_EQ(e.matrix(i, j), static_cast<float>(4 * i + j) - 5.5f + offset) << what << " " << i << "," << j;
  EXPECT_EQ(e.dropped_rows, 0);
}

em::load_options array(const std::string& name) {
  em::load_options o;
  o.array = name;
  return o;
}

em::load_options raw(const std::string& dtype) {
  em::load_options o;
  o.raw_rows = 3;
  o.raw_cols = 4;
  o.raw_dtype = dtype;
  return o;
}

const std::vector<std::int64_t> kLabels{2, 0, 2};

}  // namespace

TEST(IoFormats, NpyEveryLayout) {
  const struct {
    const char* file;
    const char* dtype;
  } cases[] = {
      {"v1_f4.npy", "<f4"},          {"v2_f4.npy", "<f4"},   {"v3_f4.npy", "<f4"},
      {"le_f8.npy", "<f8"},          {"be_f8.npy", ">f8"},   {"be_f4_fortran.npy", ">f4"},
      {"le_f2.npy", "<f2"},          {"be_f2.npy", ">f2"},   {"f8_fortran.npy", "<f8"},
  };
  for (const auto& c : cases) {
    const auto e = em::load_embeddings(fixture(c.file));
    expect_x(e, c.file);
    EXPECT_EQ(e.format, "npy");
    EXPECT_EQ(e.source_dtype, c.dtype) << c.file;
  }
  // integers: x + 5.5 = 4 i + j as int16, Fortran order
  expect_x(em::load_embeddings(fixture("i2_fortran.npy")), "i2_fortran.npy", 5.5f);
}

TEST(IoFormats, NpyLabels) {
  EXPECT_EQ(em::load_labels(fixture("labels_i8.npy")), kLabels);
  EXPECT_EQ(em::load_labels(fixture("labels_be_i4.npy")), kLabels);
  EXPECT_EQ(em::load_labels(fixture("labels_u1.npy")), kLabels);
}

TEST(IoFormats, NpzStored) {
  const auto e = em::load_embeddings(fixture("stored.npz"), array("x"));
  expect_x(e, "stored.npz x");
  EXPECT_EQ(e.format, "npz");
  EXPECT_EQ(em::load_labels(fixture("stored.npz"), array("labels")), kLabels);
  EXPECT_EQ(em::load_labels(fixture("stored.npz"), array("labels.npy")), kLabels);
  expect_x(em::load_embeddings(fixture("single.npz")), "single.npz (the only array)");
}

TEST(IoFormats, NpzDeflated) {
  const auto e = em::load_embeddings(fixture("deflated.npz"), array("x"));
  expect_x(e, "deflated.npz x");
  EXPECT_EQ(e.source_dtype, "<f2");
  expect_x(em::load_embeddings(fixture("deflated.npz"), array("xf")), "deflated.npz xf (>f8, Fortran)");
  EXPECT_EQ(em::load_labels(fixture("deflated.npz"), array("labels")), kLabels);
  const auto info = em::inspect_file(fixture("deflated.npz"), array("labels"));
  EXPECT_EQ(info.format, "npz");
  EXPECT_EQ(info.arrays, (std::vector<std::string>{"x", "labels", "xf"}));
  EXPECT_EQ(info.distinct_values, 2);
}

TEST(IoFormats, SafetensorsEveryFloatType) {
  const struct {
    const char* name;
    const char* dtype;
  } cases[] = {{"f16", "<f2"}, {"bf16", "bf16"}, {"f32", "<f4"}, {"f64", "<f8"}};
  for (const auto& c : cases) {
    const auto e = em::load_embeddings(fixture("tensors.safetensors"), array(c.name));
    expect_x(e, c.name);
    EXPECT_EQ(e.format, "safetensors");
    EXPECT_EQ(e.source_dtype, c.dtype);
  }
  EXPECT_EQ(em::load_labels(fixture("tensors.safetensors"), array("labels")), kLabels);
  expect_x(em::load_embeddings(fixture("one.safetensors")), "one.safetensors (the only tensor)");
  const auto info = em::inspect_file(fixture("tensors.safetensors"), array("bf16"));
  EXPECT_EQ(info.dtype, "bf16");
  EXPECT_EQ(info.shape, (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(info.bytes, 24);
  EXPECT_EQ(info.arrays.size(), 5u);
}

TEST(IoFormats, ArchiveNeedsANameWhenSeveral) {
  try {
    (void)em::load_embeddings(fixture("tensors.safetensors"));
    FAIL() << "no error";
  } catch (const em::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("--array"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("bf16"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)em::load_embeddings(fixture("stored.npz"), array("nope")), em::invalid_argument);
}

TEST(IoFormats, CsvAndTsvWithAndWithoutHeader) {
  for (const char* f : {"plain.csv", "header.csv", "plain.tsv", "header.tsv"}) {
    const auto e = em::load_embeddings(fixture(f));
    expect_x(e, f);
    EXPECT_EQ(e.format, std::string(f).substr(std::string(f).size() - 3)) << f;
  }
}

TEST(IoFormats, TextLabels) {
  EXPECT_EQ(em::load_labels(fixture("labels.txt")), kLabels);
  EXPECT_EQ(em::load_labels(fixture("labels_header.csv")), kLabels);
  const auto info = em::inspect_file(fixture("labels.txt"));
  EXPECT_EQ(info.format, "text");
  EXPECT_EQ(info.distinct_values, 2);
}

TEST(IoFormats, RawBinary) {
  const auto e = em::load_embeddings(fixture("x_3x4.f4"), raw("f4"));
  expect_x(e, "raw f4");
  EXPECT_EQ(e.format, "raw");
  expect_x(em::load_embeddings(fixture("x_3x4_be.f8"), raw(">f8")), "raw >f8");
  expect_x(em::load_embeddings(fixture("x_3x4.f2"), raw("f2")), "raw f2");
  expect_x(em::load_embeddings(fixture("x_3x4.bf16"), raw("bf16")), "raw bf16");
}
