// Every malformed input the loader must refuse with a clear error naming the
// file and the problem (never a crash, never a read past the end): empty
// files, truncated data, wrong magic, garbled / oversized headers, header
// length past the end, shapes whose byte size overflows, unsupported dtypes,
// safetensors offsets out of range, corrupt zips, bad labels, NaN/Inf, and
// label counts that differ from the embeddings' rows.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <string>

#include "common/test_util.hpp"
#include "core/validate.hpp"
#include "embed_metrics/io.hpp"
#include "io_test_files.hpp"

namespace em = embed_metrics;
using em_test::io::expect_error;
using em_test::io::npy_file;
using em_test::io::npy_with_dict;
using em_test::io::raw_bytes;
using em_test::io::read_file;
using em_test::io::write_file;

namespace {

std::string fixture(const std::string& name) { return std::string(EM_GOLDEN_DIR) + "/io/" + name; }

const std::string kGoodData = raw_bytes(std::vector<float>(12, 1.0f));

void expect_load_error(const std::string& path, const std::vector<std::string>& parts,
                       const em::load_options& o = {}) {
  expect_error<em::format_error>([&] { (void)em::load_embeddings(path, o); }, parts);
}

std::string le64(std::uint64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

std::string safetensors(const std::string& json, const std::string& data) {
  return le64(json.size()) + json + data;
}

em::load_options named(const std::string& n) {
  em::load_options o;
  o.array = n;
  return o;
}

}  // namespace

// ------------------------------------------------------------- empty files ---
TEST(IoMalformed, EmptyFileEveryFormat) {
  const auto dir = em_test::temp_dir("bad");
  for (const char* name : {"e.npy", "e.npz", "e.safetensors", "e.csv", "e.bin"}) {
    const auto p = write_file(dir / name, "");
    expect_load_error(p, {name, "empty"});
  }
  expect_error<em::format_error>([&] { (void)em::load_labels(write_file(dir / "l.txt", "")); },
                                 {"l.txt", "empty"});
  expect_error<em::format_error>([&] { (void)em::inspect_file((dir / "e.npy").string()); },
                                 {"e.npy", "empty"});
}

TEST(IoMalformed, MissingFileIsAnIoError) {
  expect_error<em::io_error>([] { (void)em::load_embeddings("/nonexistent/dir/x.npy"); },
                             {"/nonexistent/dir/x.npy", "cannot open"});
}

// ---------------------------------------------------------------- .npy ---
TEST(IoMalformed, NpyWrongMagic) {
  const auto dir = em_test::temp_dir("bad");
  std::string bytes = npy_file("<f4", "(3, 4)", kGoodData);
  bytes[1] = 'X';
  expect_load_error(write_file(dir / "magic.npy", bytes), {"magic.npy", "wrong magic"});
}

TEST(IoMalformed, NpyTruncatedData) {
  const auto dir = em_test::temp_dir("bad");
  const std::string bytes = npy_file("<f4", "(3, 4)", kGoodData.substr(0, 47));
  expect_load_error(write_file(dir / "short.npy", bytes), {"short.npy", "truncated", "48", "47"});
  // trailing bytes mean the shape or the file is wrong
  expect_load_error(write_file(dir / "long.npy", npy_file("<f4", "(3, 4)", kGoodData + "xyz")),
                    {"long.npy", "3 unexpected bytes"});
}

TEST(IoMalformed, NpyTruncatedInsideHeader) {
  const auto dir = em_test::temp_dir("bad");
  const std::string bytes = npy_file("<f4", "(3, 4)", kGoodData);
  for (std::size_t cut : {6u, 8u, 9u, 20u, 60u}) {
    const auto p = write_file(dir / ("cut" + std::to_string(cut) + ".npy"), bytes.substr(0, cut));
    expect_load_error(p, {"cut" + std::to_string(cut) + ".npy"});
  }
}

TEST(IoMalformed, NpyHeaderLengthPastTheFile) {
  const auto dir = em_test::temp_dir("bad");
  std::string bytes = npy_file("<f4", "(3, 4)", kGoodData);
  bytes[8] = '\xff';  // header length 0x7fff, far beyond the file
  bytes[9] = '\x7f';
  expect_load_error(write_file(dir / "len.npy", bytes), {"len.npy", "header length", "past the end"});
}

TEST(IoMalformed, NpyOversizedHeader) {
  const auto dir = em_test::temp_dir("bad");
  // version 2 header of 70000 bytes (valid dict padded with spaces): refused by size
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }";
  dict.append(70000, ' ');
  const std::string bytes = npy_with_dict(dict, 2) + kGoodData;
  expect_load_error(write_file(dir / "big.npy", bytes), {"big.npy", "oversized", "header"});
}

TEST(IoMalformed, NpyGarbledHeader) {
  const auto dir = em_test::temp_dir("bad");
  const struct {
    const char* dict;
    const char* expect;
  } cases[] = {
      {"{'descr': '<f4', 'fortran_order': False}", "lacks 'shape'"},
      {"{'descr': '<f4', 'fortran_order': Maybe, 'shape': (3, 4), }", "True or False"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3, -4), }", "non-negative integer"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), 'x': 1}", "unexpected key"},
      {"['descr', '<f4']", "expected '{'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), } trailing", "after the closing"},
      {"{'descr: '<f4', 'fortran_order': False, 'shape': (3, 4), }", "garbled"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4)", "garbled"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", "64 bits"},
  };
  int i = 0;
  for (const auto& c : cases) {
    const std::string name = "garbled" + std::to_string(i++) + ".npy";
    expect_load_error(write_file(dir / name, npy_with_dict(c.dict) + kGoodData), {name, c.expect});
  }
  std::string nul = npy_file("<f4", "(3, 4)", kGoodData);
  nul[20] = '\0';
  expect_load_error(write_file(dir / "nul.npy", nul), {"nul.npy", "NUL"});
  std::string version = npy_file("<f4", "(3, 4)", kGoodData);
  version[6] = 4;
  expect_load_error(write_file(dir / "v4.npy", version), {"v4.npy", "version 4"});
}

TEST(IoMalformed, NpyShapeWhoseByteSizeOverflows) {
  const auto dir = em_test::temp_dir("bad");
  // 2^32 x 2^32 elements overflow 64 bits; 2^31 x 2^31 x 4 bytes overflow int64
  expect_load_error(write_file(dir / "ovf.npy", npy_file("<f4", "(4294967296, 4294967296)", kGoodData)),
                    {"ovf.npy", "overflows"});
  expect_load_error(write_file(dir / "ovf2.npy", npy_file("<f4", "(2147483648, 2147483648)", kGoodData)),
                    {"ovf2.npy", "overflows"});
  // fits in 64 bits but the file is far too short
  expect_load_error(write_file(dir / "huge.npy", npy_file("<f4", "(1000000000, 1000)", kGoodData)),
                    {"huge.npy", "truncated", "4000000000000"});
}

TEST(IoMalformed, NpyUnsupportedDtypes) {
  const auto dir = em_test::temp_dir("bad");
  const struct {
    const char* descr;
    const char* expect;
  } cases[] = {{"|O", "object"},   {"<c8", "complex"},       {"<c16", "complex"},
               {"<U10", "unicode"}, {"|S5", "byte strings"}, {"<M8[ns]", "datetime"},
               {"|V16", "void"},    {"<f16", "float128"},    {"<i3", "integer of 3"}};
  int i = 0;
  for (const auto& c : cases) {
    const std::string name = "dtype" + std::to_string(i++) + ".npy";
    expect_load_error(write_file(dir / name, npy_file(c.descr, "(3,)", "abc")),
                      {name, "unsupported dtype", c.expect});
  }
  const std::string structured =
      npy_with_dict("{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (3,), }") +
      std::string(24, '\0');
  expect_load_error(write_file(dir / "rec.npy", structured), {"rec.npy", "structured"});
}

TEST(IoMalformed, NpyScalarAndHighRankFortran) {
  const auto dir = em_test::temp_dir("bad");
  expect_load_error(write_file(dir / "scalar.npy", npy_file("<f4", "()", raw_bytes(std::vector<float>{1}))),
                    {"scalar.npy", "scalar"});
  expect_load_error(write_file(dir / "f3.npy", npy_file("<f4", "(3, 2, 2)", kGoodData, true)),
                    {"f3.npy", "Fortran"});
}

// ---------------------------------------------------------------- .npz ---
TEST(IoMalformed, NpzNotAZip) {
  const auto dir = em_test::temp_dir("bad");
  expect_load_error(write_file(dir / "junk.npz", std::string(100, 'j')), {"junk.npz", "corrupt zip"});
  expect_load_error(write_file(dir / "tiny.npz", "PK\x03\x04"), {"tiny.npz", "corrupt zip"});
}

TEST(IoMalformed, NpzTruncated) {
  const auto dir = em_test::temp_dir("bad");
  const std::string good = read_file(fixture("deflated.npz"));
  for (std::size_t cut : {good.size() - 1, good.size() - 30, good.size() / 2, std::size_t{40}}) {
    const std::string name = "cut" + std::to_string(cut) + ".npz";
    expect_load_error(write_file(dir / name, good.substr(0, cut)), {name}, named("x"));
  }
}

TEST(IoMalformed, NpzCorruptEntry) {
  const auto dir = em_test::temp_dir("bad");
  // flip a byte inside each entry's data: stored -> CRC mismatch, deflated -> inflate or CRC error
  for (const char* f : {"stored.npz", "deflated.npz"}) {
    std::string bytes = read_file(fixture(f));
    const auto at = bytes.find("x.npy");  // first local header name; data follows its extra field
    ASSERT_NE(at, std::string::npos);
    const std::size_t extra = static_cast<unsigned char>(bytes[at - 2]) + 256u * static_cast<unsigned char>(bytes[at - 1]);
    const std::size_t data = at + 5 + extra;
    bytes[data + 60] = static_cast<char>(bytes[data + 60] ^ 0x5a);
    const std::string name = std::string("flip_") + f;
    expect_load_error(write_file(dir / name, bytes), {name, "corrupt zip"}, named("x"));
  }
}

TEST(IoMalformed, NpzCentralDirectoryOutOfRange) {
  const auto dir = em_test::temp_dir("bad");
  std::string bytes = read_file(fixture("stored.npz"));
  // the end record is the last 22 bytes (no comment); point the directory past the end
  const std::size_t eocd = bytes.size() - 22;
  ASSERT_EQ(bytes.substr(eocd, 4), std::string("PK\x05\x06"));
  bytes[eocd + 16] = '\xf0';
  bytes[eocd + 17] = '\xff';
  bytes[eocd + 18] = '\x00';
  bytes[eocd + 19] = '\x00';
  expect_load_error(write_file(dir / "cd.npz", bytes), {"cd.npz", "past the end"}, named("x"));
}

TEST(IoMalformed, NpzEntryIsNotNpy) {
  const auto dir = em_test::temp_dir("bad");
  // a stored zip of one entry "x.npy" holding text: the inner .npy parser names the entry
  std::string bytes = read_file(fixture("single.npz"));
  const auto at = bytes.find("\x93NUMPY");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 1] = 'X';
  // the CRC now fails first: that is the right error for a damaged archive
  expect_load_error(write_file(dir / "inner.npz", bytes), {"inner.npz", "CRC"});
}

// -------------------------------------------------------- .safetensors ---
TEST(IoMalformed, SafetensorsOffsetOutOfRange) {
  const auto dir = em_test::temp_dir("bad");
  const std::string j = R"({"x":{"dtype":"F32","shape":[3,4],"data_offsets":[0,48]}})";
  expect_load_error(write_file(dir / "short.safetensors", safetensors(j, kGoodData.substr(0, 40))),
                    {"short.safetensors", "offset out of range", "'x'"});
  const std::string j2 = R"({"x":{"dtype":"F32","shape":[3,4],"data_offsets":[16,64]}})";
  expect_load_error(write_file(dir / "off.safetensors", safetensors(j2, kGoodData)),
                    {"off.safetensors", "offset out of range"});
}

TEST(IoMalformed, SafetensorsSizeMismatchAndOverlap) {
  const auto dir = em_test::temp_dir("bad");
  const std::string j = R"({"x":{"dtype":"F32","shape":[3,3],"data_offsets":[0,48]}})";
  expect_load_error(write_file(dir / "size.safetensors", safetensors(j, kGoodData)),
                    {"size.safetensors", "needs 36 bytes", "48"});
  const std::string j2 =
      R"({"a":{"dtype":"F32","shape":[2,4],"data_offsets":[0,32]},"b":{"dtype":"F32","shape":[1,4],"data_offsets":[16,32]}})";
  expect_load_error(write_file(dir / "overlap.safetensors", safetensors(j2, kGoodData)),
                    {"overlap.safetensors", "overlap"}, named("a"));
  const std::string j3 = R"({"x":{"dtype":"F32","shape":[3,4],"data_offsets":[48,0]}})";
  expect_load_error(write_file(dir / "rev.safetensors", safetensors(j3, kGoodData)),
                    {"rev.safetensors", "reversed"});
}

TEST(IoMalformed, SafetensorsGarbledAndOversizedHeader) {
  const auto dir = em_test::temp_dir("bad");
  expect_load_error(write_file(dir / "json.safetensors", safetensors("{\"x\": [1, 2", kGoodData)),
                    {"json.safetensors", "not valid JSON"});
  expect_load_error(write_file(dir / "arr.safetensors", safetensors("[1, 2]", kGoodData)),
                    {"arr.safetensors", "not a JSON object"});
  expect_load_error(write_file(dir / "keys.safetensors", safetensors(R"({"x":{"dtype":"F32"}})", kGoodData)),
                    {"keys.safetensors", "lacks"});
  expect_load_error(write_file(dir / "neg.safetensors",
                               safetensors(R"({"x":{"dtype":"F32","shape":[-3,4],"data_offsets":[0,48]}})", kGoodData)),
                    {"neg.safetensors", "non-negative"});
  expect_load_error(write_file(dir / "big.safetensors", le64(1ull << 40) + "{}"),
                    {"big.safetensors", "oversized"});
  expect_load_error(write_file(dir / "past.safetensors", le64(5000) + "{\"x\": 1}"),
                    {"past.safetensors", "header length", "past the end"});
  expect_load_error(write_file(dir / "seven.safetensors", "1234567"), {"seven.safetensors", "too short"});
}

TEST(IoMalformed, SafetensorsShapeOverflowAndDtype) {
  const auto dir = em_test::temp_dir("bad");
  expect_load_error(
      write_file(dir / "ovf.safetensors",
                 safetensors(R"({"x":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,48]}})", kGoodData)),
      {"ovf.safetensors", "overflows"});
  expect_load_error(
      write_file(dir / "f8.safetensors",
                 safetensors(R"({"x":{"dtype":"F8_E4M3","shape":[12],"data_offsets":[0,12]}})", kGoodData.substr(0, 12))),
      {"f8.safetensors", "unsupported dtype F8_E4M3"});
  expect_load_error(
      write_file(dir / "c.safetensors",
                 safetensors(R"({"x":{"dtype":"STR","shape":[12],"data_offsets":[0,12]}})", kGoodData.substr(0, 12))),
      {"c.safetensors", "unknown dtype"});
}

// ---------------------------------------------------------------- text ---
TEST(IoMalformed, CsvRaggedAndNonNumeric) {
  const auto dir = em_test::temp_dir("bad");
  expect_load_error(write_file(dir / "rag.csv", "1,2,3\n4,5\n"), {"rag.csv", "line 2", "2 values"});
  expect_load_error(write_file(dir / "word.csv", "a,b\n1,2\n3,x\n"), {"word.csv", "line 3", "'x'"});
  expect_load_error(write_file(dir / "gap.csv", "1,2\n\n3,4\n"), {"gap.csv", "line 2", "empty"});
  expect_load_error(write_file(dir / "head.csv", "a,b\n"), {"head.csv", "no data"});
}

TEST(IoMalformed, TextLabels) {
  const auto dir = em_test::temp_dir("bad");
  const auto labels = [](const std::string& p) { return [p] { (void)em::load_labels(p); }; };
  expect_error<em::format_error>(labels(write_file(dir / "f.txt", "1\n2\n2.5\n")),
                                 {"f.txt", "line 3", "'2.5'", "not an integer"});
  expect_error<em::format_error>(labels(write_file(dir / "w.txt", "1\ncat\n")),
                                 {"w.txt", "line 2", "'cat'"});
  expect_error<em::format_error>(labels(write_file(dir / "two.csv", "1,2\n3,4\n")),
                                 {"two.csv", "line 1", "several fields"});
  expect_error<em::format_error>(labels(write_file(dir / "gap.txt", "1\n\n2\n")),
                                 {"gap.txt", "line 2", "empty"});
  expect_error<em::format_error>(labels(write_file(dir / "big.txt", "1\n99999999999999999999\n")),
                                 {"big.txt", "line 2", "64 bits"});
  expect_error<em::format_error>(labels(write_file(dir / "hdr.txt", "label\n")), {"hdr.txt", "no labels"});
  // accepted: a byte order mark, a header, CRLF line ends, blank lines at the end, signs
  EXPECT_EQ(em::load_labels(write_file(dir / "bom.txt", "\xEF\xBB\xBF" "5\n6\n")),
            (std::vector<std::int64_t>{5, 6}));
  EXPECT_EQ(em::load_labels(write_file(dir / "ok.txt", "label\r\n-1\r\n+2\r\n 3 \r\n\r\n\n")),
            (std::vector<std::int64_t>{-1, 2, 3}));
}

TEST(IoMalformed, NonFiniteInEveryFormat) {
  const auto dir = em_test::temp_dir("bad");
  const auto nan_csv = write_file(dir / "nan.csv", "1,2\n3,nan\n5,6\ninf,0\n");
  expect_error<em::invalid_argument>([&] { (void)em::load_embeddings(nan_csv); },
                                     {"nan.csv", "row 1", "column 1"});
  em::load_options drop;
  drop.drop_nonfinite = true;
  const auto e = em::load_embeddings(nan_csv, drop);
  EXPECT_EQ(e.dropped_rows, 2);
  EXPECT_EQ(e.kept_rows, (std::vector<std::int64_t>{0, 2}));
  ASSERT_EQ(e.matrix.rows(), 2);
  EXPECT_EQ(e.matrix(1, 0), 5.0f);
  // float16 +Inf is 0x7c00; bfloat16 NaN is 0x7fc0
  const std::vector<std::uint16_t> h{0x3c00, 0x7c00, 0x3c00, 0x3c00};
  expect_error<em::invalid_argument>(
      [&] { (void)em::load_embeddings(write_file(dir / "inf.npy", npy_file("<f2", "(2, 2)", raw_bytes(h)))); },
      {"inf.npy", "row 0", "column 1", "inf"});
  const std::vector<std::uint16_t> b{0x3f80, 0x3f80, 0x7fc0, 0x3f80};
  const std::string j = R"({"x":{"dtype":"BF16","shape":[2,2],"data_offsets":[0,8]}})";
  expect_error<em::invalid_argument>(
      [&] { (void)em::load_embeddings(write_file(dir / "nan.safetensors", safetensors(j, raw_bytes(b)))); },
      {"nan.safetensors", "row 1", "column 0"});
  // all rows dropped leaves an empty matrix with the column count kept
  const auto all = em::load_embeddings(write_file(dir / "all.csv", "nan,1\n2,inf\n"), drop);
  EXPECT_EQ(all.matrix.rows(), 0);
  EXPECT_EQ(all.matrix.cols(), 2);
  EXPECT_EQ(all.dropped_rows, 2);
}

// ----------------------------------------------------------- raw, misc ---
TEST(IoMalformed, RawSizeMismatchAndBadOptions) {
  const auto dir = em_test::temp_dir("bad");
  const auto p = write_file(dir / "x.bin", kGoodData);
  em::load_options o;
  o.raw_rows = 4;
  o.raw_cols = 4;
  expect_load_error(p, {"x.bin", "48 bytes", "needs 64", "truncated"}, o);
  o.raw_rows = 2;
  expect_load_error(p, {"x.bin", "48 bytes", "needs 32"}, o);
  o.raw_rows = 3;
  o.raw_dtype = "c8";
  expect_error<em::invalid_argument>([&] { (void)em::load_embeddings(p, o); }, {"c8", "not supported"});
  o.raw_dtype = "f4";
  o.raw_cols = -1;
  expect_error<em::invalid_argument>([&] { (void)em::load_embeddings(p, o); }, {"x.bin", "shape"});
  o.raw_rows = std::int64_t{1} << 40;
  o.raw_cols = std::int64_t{1} << 40;
  expect_error<em::invalid_argument>([&] { (void)em::load_embeddings(p, o); }, {"x.bin", "overflows"});
  expect_load_error(write_file(dir / "blob.bin", std::string("\x01\x02\x00\x04", 4)), {"blob.bin", "unknown format"});
}

TEST(IoMalformed, LabelCountDiffersFromRows) {
  const auto x = em::load_embeddings(fixture("v1_f4.npy"));
  const auto dir = em_test::temp_dir("bad");
  const auto labels = em::load_labels(write_file(dir / "four.txt", "0\n1\n0\n1\n"));
  expect_error<em::invalid_argument>(
      [&] { em::detail::check_same_rows(x.matrix.view(), labels, "embeddings", "labels"); },
      {"labels has 4 rows", "embeddings 3"});
}
