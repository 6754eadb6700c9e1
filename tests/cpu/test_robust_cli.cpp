// The tool's options and resources: strict numbers and device names (usage
// errors, exit 2, one line saying the valid range), --threads capped with a
// note, --labels read with label rules (--labels-array), --drop-nonfinite
// keeping labels aligned in eval and track, errors naming their file, and
// memory: impossible requests refused up front, a failed allocation reported
// as "out of memory: needed N bytes".
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/test_util.hpp"
#include "core/memory.hpp"
#include "embed_metrics/io.hpp"
#include "embed_metrics/kmeans.hpp"

namespace em = embed_metrics;
using ojson = nlohmann::ordered_json;

namespace {

std::string q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

bool has(const std::string& text, const std::string& word) { return text.find(word) != std::string::npos; }

std::size_t lines(const std::string& text) {
  std::size_t n = 0;
  for (const char c : text) n += c == '\n';
  return n;
}

// A usage error: exit 2, one line on stderr, naming the option and the words given.
void expect_usage_error(const std::string& args, const std::vector<std::string>& words) {
  const auto r = em_test::run_tool(args);
  EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
  EXPECT_EQ(lines(r.err), 1U) << args << "\n" << r.err;
  EXPECT_LT(r.err.size(), 300U) << "not a one-line message: " << r.err;
  EXPECT_TRUE(has(r.err, "usage error")) << r.err;
  for (const auto& w : words) EXPECT_TRUE(has(r.err, w)) << args << ": no '" << w << "' in\n" << r.err;
}

// A small blobs file shared by the option tests.
struct fixture {
  std::filesystem::path dir;
  std::filesystem::path emb;
  std::filesystem::path labels;
  em_test::blobs b;
};

fixture make_fixture(const std::string& tag, std::int64_t n = 120) {
  fixture f{em_test::temp_dir(tag), {}, {}, em_test::make_blobs(n, 5, 3, 6.0, em_test::test_seed(71))};
  f.emb = f.dir / "emb.npy";
  f.labels = f.dir / "labels.npy";
  em::save_npy(f.emb.string(), f.b.x.view());
  em::save_npy(f.labels.string(), f.b.labels);
  return f;
}

// A .safetensors file holding the float32 "x" and the int64 "labels".
void write_safetensors(const std::filesystem::path& p, const em::host_matrix& x,
                       const std::vector<std::int64_t>& labels) {
  const std::size_t xb = static_cast<std::size_t>(x.rows() * x.cols()) * 4;
  const std::size_t lb = labels.size() * 8;
  std::ostringstream h;
  h << R"({"x":{"dtype":"F32","shape":[)" << x.rows() << "," << x.cols() << R"(],"data_offsets":[0,)" << xb
    << R"(]},"labels":{"dtype":"I64","shape":[)" << labels.size() << R"(],"data_offsets":[)" << xb << ","
    << xb + lb << "]}}";
  std::string header = h.str();
  header.append((8 - header.size() % 8) % 8, ' ');
  std::string bytes(8, '\0');
  std::uint64_t hs = header.size();
  std::memcpy(bytes.data(), &hs, 8);
  bytes += header;
  bytes.append(reinterpret_cast<const char*>(x.data()), xb);
  bytes.append(reinterpret_cast<const char*>(labels.data()), lb);
  std::ofstream(p, std::ios::binary) << bytes;
}

// The rows of @p x without those in @p drop.
em::host_matrix without_rows(const em::host_matrix& x, const std::set<std::int64_t>& drop) {
  std::vector<float> v;
  for (std::int64_t i = 0; i < x.rows(); ++i)
    if (!drop.count(i)) v.insert(v.end(), x.data() + i * x.cols(), x.data() + (i + 1) * x.cols());
  return em::host_matrix(v, x.rows() - static_cast<std::int64_t>(drop.size()), x.cols());
}

std::vector<std::int64_t> without(const std::vector<std::int64_t>& l, const std::set<std::int64_t>& drop) {
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < l.size(); ++i)
    if (!drop.count(static_cast<std::int64_t>(i))) out.push_back(l[i]);
  return out;
}

em::host_matrix with_nan_rows(em::host_matrix x, const std::set<std::int64_t>& rows) {
  for (const std::int64_t r : rows) x.data()[r * x.cols() + 1] = std::numeric_limits<float>::quiet_NaN();
  return x;
}

// The report's figures of a JSON record (what does not depend on timing).
ojson figures(ojson j) {
  j.erase("seconds");
  return j;
}

// Run the tool under an address-space limit (prlimit), as run_tool does.
em_test::tool_result run_limited(const std::string& limit, const std::string& args) {
  const char* env = std::getenv("EM_TOOL_PATH");
  const std::string tool = env ? env : EM_TOOL_PATH;
  const auto dir = em_test::temp_dir("limited");
  const auto out = dir / "out.txt";
  const auto err = dir / "err.txt";
  // (timeout: a job that unexpectedly fits must not run for long)
  const std::string cmd = "OPENBLAS_NUM_THREADS=1 timeout 120 prlimit --as=" + limit + " '" + tool + "' " + args +
                          " >'" + out.string() + "' 2>'" + err.string() + "' </dev/null";
  const int status = std::system(cmd.c_str());
  em_test::tool_result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream o(out), e(err);
  std::stringstream so, se;
  so << o.rdbuf();
  se << e.rdbuf();
  r.out = so.str();
  r.err = se.str();
  return r;
}

// The smallest power-of-two address-space limit (256 MiB .. 8 GiB) under
// which @p job succeeds, or 0 (a sanitizer build reserves terabytes).
std::uint64_t starting_limit(const std::string& job) {
  for (std::uint64_t l = std::uint64_t{1} << 28; l <= std::uint64_t{1} << 33; l *= 2)
    if (run_limited(std::to_string(l), job).exit_code == 0) return l;
  return 0;
}

}  // namespace

// ---------------------------------------------------------------- numbers ---

TEST(RobustCli, NegativeSeedIsAUsageErrorNamingTheRange) {
  const auto f = make_fixture("robust_seed");
  expect_usage_error("--seed -1 kmeans " + q(f.emb) + " --k 2", {"--seed", "0 to 18446744073709551615"});
  expect_usage_error("--seed 18446744073709551616 kmeans " + q(f.emb) + " --k 2", {"--seed"});
}

TEST(RobustCli, KThatIsNotAWholeNumberIsAUsageError) {
  const auto f = make_fixture("robust_k");
  expect_usage_error("kmeans " + q(f.emb) + " --k 1e30", {"--k", "'1e30'", "1 to 2147483647"});
  expect_usage_error("kmeans " + q(f.emb) + " --k 2.5", {"--k", "'2.5'"});
  expect_usage_error("kmeans " + q(f.emb) + " --k 3x", {"--k"});
}

TEST(RobustCli, KOutOfRangeIsAUsageError) {
  const auto f = make_fixture("robust_k0");
  expect_usage_error("kmeans " + q(f.emb) + " --k 0", {"--k", "out of range", "1 to 2147483647"});
  expect_usage_error("kmeans " + q(f.emb) + " --k 4294967296", {"--k", "out of range"});
  expect_usage_error("eval " + q(f.emb) + " --k -1", {"--k", "0 to 2147483647"});
  expect_usage_error("entropy " + q(f.emb) + " --k 0", {"--k", "1 to"});
}

TEST(RobustCli, ThreadsOutOfRangeIsAUsageError) {
  const auto f = make_fixture("robust_threads");
  expect_usage_error("--threads 10000 kmeans " + q(f.emb) + " --k 2", {"--threads", "0 to 1024"});
  expect_usage_error("--threads -3 kmeans " + q(f.emb) + " --k 2", {"--threads", "0 to 1024"});
  expect_usage_error("--threads two kmeans " + q(f.emb) + " --k 2", {"--threads", "'two'"});
}

TEST(RobustCli, BinsAndIterationCountsOutOfRangeAreUsageErrors) {
  const auto f = make_fixture("robust_bins");
  expect_usage_error("entropy " + q(f.emb) + " --bins 0", {"--bins", "out of range"});
  expect_usage_error("entropy " + q(f.emb) + " --bins 1e3", {"--bins", "'1e3'"});
  expect_usage_error("kmeans " + q(f.emb) + " --k 2 --max-iter 0", {"--max-iter", "1 to 2147483647"});
  expect_usage_error("kmeans " + q(f.emb) + " --k 2 --max-iter 99999999999", {"--max-iter", "out of range"});
  expect_usage_error("kmeans " + q(f.emb) + " --k 2 --n-init 0", {"--n-init", "1 to 2147483647"});
  expect_usage_error("kmeans " + q(f.emb) + " --k 2 --n-init 1.5", {"--n-init", "'1.5'"});
}

TEST(RobustCli, SampleSizeSkipFirstAndBetaOutOfRangeAreUsageErrors) {
  const auto f = make_fixture("robust_sample");
  expect_usage_error("silhouette " + q(f.emb) + " " + q(f.labels) + " --sample-size 1",
                     {"--sample-size", "from 2 to"});
  expect_usage_error("silhouette " + q(f.emb) + " " + q(f.labels) + " --sample-size -5",
                     {"--sample-size"});
  expect_usage_error("track " + q(f.emb) + " --skip-first -1", {"--skip-first", "0 to"});
  expect_usage_error("agree " + q(f.labels) + " " + q(f.labels) + " --beta nan", {"--beta", "finite number > 0"});
  expect_usage_error("agree " + q(f.labels) + " " + q(f.labels) + " --beta 0", {"--beta"});
}

TEST(RobustCli, MalformedShapeIsAUsageError) {
  const auto f = make_fixture("robust_shape");
  expect_usage_error("kmeans " + q(f.emb) + " --k 2 --shape 1e30x5", {"--shape", "ROWSxCOLS"});
  expect_usage_error("kmeans " + q(f.emb) + " --k 2 --shape 0x5", {"--shape"});
  expect_usage_error("info " + q(f.emb) + " --shape 10", {"--shape"});
}

TEST(RobustCli, UnknownDeviceIsAUsageError) {
  const auto f = make_fixture("robust_device");
  for (const std::string d : {"cuda:x", "gpu", "cuda:-1", "cuda:", "CPU"})
    expect_usage_error("--device '" + d + "' kmeans " + q(f.emb) + " --k 2",
                       {"--device", "unknown device '" + d + "'", "cpu, cuda, cuda:N"});
}

TEST(RobustCli, AWellFormedButMissingDeviceIsARunTimeError) {
  // cuda:7 is spelled right: exit 1 (this build or machine has no such
  // device), not a usage error.
  const auto f = make_fixture("robust_device7");
  const auto r = em_test::run_tool("--device cuda:7 kmeans " + q(f.emb) + " --k 2");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(has(r.err, "cuda:7")) << r.err;
}

TEST(RobustCli, ThreadsAboveTheMachineAreCappedWithANote) {
  const int hw = static_cast<int>(std::thread::hardware_concurrency());
  if (hw < 1 || hw >= 1024) GTEST_SKIP() << "hardware_concurrency is " << hw;
  const auto f = make_fixture("robust_cap");
  const std::string args = " --device cpu --format json kmeans " + q(f.emb) + " --k 3";
  const auto over = em_test::run_tool("--threads " + std::to_string(hw + 1) + args);
  ASSERT_EQ(over.exit_code, 0) << over.err;
  EXPECT_EQ(lines(over.err), 1U) << over.err;
  EXPECT_TRUE(has(over.err, "note: --threads " + std::to_string(hw + 1))) << over.err;
  EXPECT_TRUE(has(over.err, "using " + std::to_string(hw))) << over.err;
  const auto at = em_test::run_tool("--threads " + std::to_string(hw) + args);
  ASSERT_EQ(at.exit_code, 0) << at.err;
  EXPECT_TRUE(at.err.empty()) << at.err;  // no note at the machine's count
  EXPECT_EQ(figures(ojson::parse(over.out)), figures(ojson::parse(at.out)));
}

// ----------------------------------------------------------------- labels ---

TEST(RobustCli, LabelsFromSafetensorsWithLabelsArray) {
  auto f = make_fixture("robust_st");
  const auto st = f.dir / "both.safetensors";
  write_safetensors(st, f.b.x, f.b.labels);
  const auto from_st = em_test::run_tool("--device cpu --format json eval " + q(st) +
                                         " --array x --labels " + q(st) + " --labels-array labels --k 3");
  ASSERT_EQ(from_st.exit_code, 0) << from_st.err;
  const auto from_npy = em_test::run_tool("--device cpu --format json eval " + q(f.emb) + " --labels " +
                                          q(f.labels) + " --k 3");
  ASSERT_EQ(from_npy.exit_code, 0) << from_npy.err;
  const auto a = figures(ojson::parse(from_st.out));
  ASSERT_TRUE(a.contains("ami_c1_gt")) << a.dump();
  EXPECT_EQ(a, figures(ojson::parse(from_npy.out)));

  // Without --labels-array the labels are not read with the embeddings' --array:
  // two arrays, none named, and the hint names the labels' own option.
  const auto r = em_test::run_tool("--device cpu eval " + q(st) + " --array x --labels " + q(st) + " --k 3");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "--labels-array")) << r.err;
  EXPECT_TRUE(has(r.err, st.string())) << r.err;
}

TEST(RobustCli, SilhouetteReadsItsLabelsWithLabelsArray) {
  auto f = make_fixture("robust_sil_st");
  const auto st = f.dir / "both.safetensors";
  write_safetensors(st, f.b.x, f.b.labels);
  const auto a = em_test::run_tool("--device cpu --format json silhouette " + q(st) + " " + q(st) +
                                   " --array x --labels-array labels");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const auto b = em_test::run_tool("--device cpu --format json silhouette " + q(f.emb) + " " + q(f.labels));
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(figures(ojson::parse(a.out)), figures(ojson::parse(b.out)));
}

TEST(RobustCli, RawOptionsApplyToTheEmbeddingsNotTheLabels) {
  // Raw float32 embeddings with --shape/--dtype and a text labels file: the
  // labels are read as text, not as a raw 120x5 float32 file.
  auto f = make_fixture("robust_raw");
  const auto raw = f.dir / "emb.f4";
  std::ofstream(raw, std::ios::binary)
      .write(reinterpret_cast<const char*>(f.b.x.data()), static_cast<std::streamsize>(f.b.x.rows() * f.b.x.cols() * 4));
  const auto txt = f.dir / "labels.txt";
  {
    std::ofstream out(txt);
    for (const auto l : f.b.labels) out << l << '\n';
  }
  const auto a = em_test::run_tool("--device cpu --format json eval " + q(raw) + " --shape 120x5 --dtype f4 --labels " +
                                   q(txt) + " --k 3");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const auto b = em_test::run_tool("--device cpu --format json eval " + q(f.emb) + " --labels " + q(f.labels) + " --k 3");
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(figures(ojson::parse(a.out)), figures(ojson::parse(b.out)));
}

TEST(RobustCli, DropNonfiniteKeepsEvalLabelsAligned) {
  auto f = make_fixture("robust_drop_eval");
  const std::set<std::int64_t> bad{0, 17, 64, 119};
  const auto dirty = f.dir / "dirty.npy";
  em::save_npy(dirty.string(), with_nan_rows(f.b.x, bad).view());
  const auto clean = f.dir / "clean.npy";
  const auto clean_labels = f.dir / "clean_labels.npy";
  em::save_npy(clean.string(), without_rows(f.b.x, bad).view());
  em::save_npy(clean_labels.string(), without(f.b.labels, bad));

  const auto a = em_test::run_tool("--device cpu --format json eval " + q(dirty) + " --drop-nonfinite --labels " +
                                   q(f.labels) + " --k 3");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_TRUE(has(a.err, "dropped 4 row(s)")) << a.err;
  const auto b = em_test::run_tool("--device cpu --format json eval " + q(clean) + " --labels " + q(clean_labels) +
                                   " --k 3");
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const auto ja = figures(ojson::parse(a.out));
  EXPECT_EQ(ja["n"], 116);
  EXPECT_EQ(ja, figures(ojson::parse(b.out)));
  EXPECT_GT(ja["ami_c1_gt"].get<double>(), 0.9);  // the labels went with their rows
}

TEST(RobustCli, DropNonfiniteKeepsTrackLabelsAlignedPerCheckpoint) {
  auto f = make_fixture("robust_drop_track");
  // Two checkpoints that lose different rows.
  const std::set<std::int64_t> bad0{3, 50};
  const std::set<std::int64_t> bad1{7, 8, 99};
  std::string dirty_args, clean_args;
  const std::set<std::int64_t>* bads[] = {&bad0, &bad1};
  std::vector<ojson> clean_rows;
  for (int c = 0; c < 2; ++c) {
    const auto dirty = f.dir / ("dirty_" + std::to_string(c) + ".npy");
    em::save_npy(dirty.string(), with_nan_rows(f.b.x, *bads[c]).view());
    dirty_args += " " + q(dirty);
    const auto clean = f.dir / ("clean_" + std::to_string(c) + ".npy");
    const auto clean_labels = f.dir / ("clean_labels_" + std::to_string(c) + ".npy");
    em::save_npy(clean.string(), without_rows(f.b.x, *bads[c]).view());
    em::save_npy(clean_labels.string(), without(f.b.labels, *bads[c]));
    const auto r = em_test::run_tool("--device cpu --format json eval " + q(clean) + " --labels " +
                                     q(clean_labels) + " --k 3");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    clean_rows.push_back(figures(ojson::parse(r.out)));
  }
  const auto t = em_test::run_tool("--device cpu --format json track" + dirty_args + " --drop-nonfinite --labels " +
                                   q(f.labels) + " --k 3");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  const auto j = ojson::parse(t.out);
  ASSERT_EQ(j["checkpoints"].size(), 2U);
  for (int c = 0; c < 2; ++c) {
    const auto& row = j["checkpoints"][static_cast<std::size_t>(c)];
    for (const auto& [key, value] : clean_rows[static_cast<std::size_t>(c)].items())
      EXPECT_EQ(row[key], value) << "checkpoint " << c << ", " << key;
  }
  EXPECT_EQ(j["checkpoints"][0]["n"], 118);
  EXPECT_EQ(j["checkpoints"][1]["n"], 117);
}

TEST(RobustCli, LabelsOfTheWrongLengthNameBothFilesAndTheDroppedRows) {
  auto f = make_fixture("robust_drop_len");
  const std::set<std::int64_t> bad{5};
  const auto dirty = f.dir / "dirty.npy";
  em::save_npy(dirty.string(), with_nan_rows(f.b.x, bad).view());
  const auto short_labels = f.dir / "short.npy";
  em::save_npy(short_labels.string(), without(f.b.labels, bad));  // 119: one per kept row is not enough
  const auto r = em_test::run_tool("--device cpu eval " + q(dirty) + " --drop-nonfinite --labels " +
                                   q(short_labels) + " --k 3");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, short_labels.string())) << r.err;
  EXPECT_TRUE(has(r.err, dirty.string())) << r.err;
  EXPECT_TRUE(has(r.err, "119 labels")) << r.err;
  EXPECT_TRUE(has(r.err, "1 of them dropped")) << r.err;
}

TEST(RobustCli, KmeansOutHasOneLabelPerFileRowWithDroppedRowsMinusOne) {
  auto f = make_fixture("robust_drop_kmeans");
  const std::set<std::int64_t> bad{2, 90};
  const auto dirty = f.dir / "dirty.npy";
  em::save_npy(dirty.string(), with_nan_rows(f.b.x, bad).view());
  const auto out = f.dir / "out.npy";
  const auto r = em_test::run_tool("--device cpu --seed 4 kmeans " + q(dirty) + " --k 3 --drop-nonfinite --out " + q(out));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto got = em::load_labels(out.string());
  ASSERT_EQ(got.size(), 120U);
  em::resources res("cpu");
  em::kmeans_params p;
  p.k = 3;
  p.seed = 4;
  const auto clean = without_rows(f.b.x, bad);
  const auto want = em::kmeans(res, clean.view(), p).labels;
  std::size_t k = 0;
  for (std::int64_t i = 0; i < 120; ++i) {
    if (bad.count(i)) {
      EXPECT_EQ(got[static_cast<std::size_t>(i)], -1) << i;
    } else {
      EXPECT_EQ(got[static_cast<std::size_t>(i)], want[k++]) << i;
    }
  }
}

// --------------------------------------------------- errors and resources ---

TEST(RobustCli, LibraryErrorsNameTheFile) {
  const auto f = make_fixture("robust_names");
  const auto r = em_test::run_tool("--device cpu kmeans " + q(f.emb) + " --k 500");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, f.emb.string() + ": kmeans: k is 500")) << r.err;
  const auto e = em_test::run_tool("--device cpu entropy " + q(f.emb) + " --estimator knn --k 400");
  EXPECT_EQ(e.exit_code, 1);
  EXPECT_TRUE(has(e.err, f.emb.string() + ": knn_entropy")) << e.err;
}

TEST(RobustCli, HugeBinsAreRefusedBeforeAllocating) {
  // 10^15 bins of 8 bytes: more than any machine has. The refusal comes from
  // the check ("needs ... this machine has"), not from a failed allocation.
  const auto f = make_fixture("robust_huge_bins");
  const auto r = em_test::run_tool("--device cpu --threads 1 entropy " + q(f.emb) +
                                   " --estimator histogram --bins 1000000000000000");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(has(r.err, f.emb.string() + ": out of memory: the histogram entropy")) << r.err;
  // one thread: 10^15 counts and a column of 120 values, 8 bytes each
  EXPECT_TRUE(has(r.err, "needs 8000000000000960 bytes")) << r.err;
  EXPECT_TRUE(has(r.err, "this machine has ")) << r.err;
  EXPECT_FALSE(has(r.err, "bad_alloc")) << r.err;
}

TEST(RobustCli, HugeRunsOfKmeansAreRefusedWithTheBytesNeeded) {
  // n_init x (n labels + k x d centres): 2e9 x (120 x 12 + 3 x 5 x 12) bytes.
  const auto f = make_fixture("robust_huge_ninit");
  const auto r = em_test::run_tool("--device cpu kmeans " + q(f.emb) + " --k 3 --n-init 2000000000");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const std::uint64_t want = 2000000000ULL * (120 * 12 + 3 * 5 * 12);
  EXPECT_TRUE(has(r.err, "needs " + std::to_string(want) + " bytes")) << r.err;
  EXPECT_TRUE(has(r.err, "k-means (k = 3, n_init = 2000000000")) << r.err;
  EXPECT_TRUE(has(r.err, "this machine has ")) << r.err;
}

TEST(RobustCli, AFailedAllocationIsOutOfMemoryWithItsSize) {
  // Many runs of k-means on 20000 rows: one n x n_init block of labels twice
  // the size of the address space allowed. That is within the machine's
  // memory, so not refused up front, but the allocation fails under prlimit,
  // and the user reads its size. The limit is twice what a small run of this
  // build needs (a CUDA build maps its libraries first).
  if (std::system("command -v prlimit >/dev/null 2>&1") != 0) GTEST_SKIP() << "no prlimit here";
  const auto dir = em_test::temp_dir("robust_oom");
  const auto emb = dir / "emb.npy";
  const std::int64_t n = 20000;
  em::save_npy(emb.string(), em_test::random_normal(n, 8, em_test::test_seed(72)).view());
  const std::string job = "--device cpu --threads 1 kmeans " + q(emb) + " --k 4 --max-iter 1";
  const std::uint64_t base = starting_limit(job);
  if (base == 0) GTEST_SKIP() << "the tool does not start within 8 GiB of address space";
  const std::uint64_t limit = 2 * base;
  const std::uint64_t n_init = 2 * limit / (static_cast<std::uint64_t>(n) * 4);
  const std::uint64_t least = n_init * (static_cast<std::uint64_t>(n) * 12 + 4 * 8 * 12);
  if (least > em::detail::physical_memory_bytes())
    GTEST_SKIP() << "this machine has less than the " << least << " bytes the job needs";

  const auto r = run_limited(std::to_string(limit), job + " --n-init " + std::to_string(n_init));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(has(r.err, emb.string() + ": out of memory: needed ")) << r.err;
  EXPECT_TRUE(has(r.err, " bytes")) << r.err;
  EXPECT_TRUE(has(r.err, "for k-means (k = 4, n_init = " + std::to_string(n_init))) << r.err;
  EXPECT_FALSE(has(r.err, "bad_alloc")) << r.err;
  EXPECT_EQ(lines(r.err), 1U) << r.err;
}

TEST(RobustCli, AFailedAllocationInTheKnnIsOutOfMemoryToo) {
  // The kNN entropy keeps k candidates per row: n x k of them, twice the
  // address space allowed, so the kNN's own buffers fail (not a terminate
  // from inside its parallel region).
  if (std::system("command -v prlimit >/dev/null 2>&1") != 0) GTEST_SKIP() << "no prlimit here";
  const auto f = make_fixture("robust_oom_knn");
  const auto emb = f.dir / "big.npy";
  const std::int64_t n = 30000;
  em::save_npy(emb.string(), em_test::random_normal(n, 4, em_test::test_seed(73)).view());
  const std::string job = "--device cpu --threads 2 entropy " + q(emb) + " --estimator knn";
  const std::uint64_t base = starting_limit("--device cpu --threads 2 entropy " + q(f.emb) + " --estimator knn --k 3");
  if (base == 0) GTEST_SKIP() << "the tool does not start within 8 GiB of address space";
  const std::uint64_t limit = 2 * base;
  const std::uint64_t k = std::min<std::uint64_t>(n - 1, 2 * limit / (static_cast<std::uint64_t>(n) * 4));
  if (k * 4 * static_cast<std::uint64_t>(n) <= limit) GTEST_SKIP() << "no k < n needs more than " << limit << " bytes";
  if (k * 24 * static_cast<std::uint64_t>(n) > em::detail::physical_memory_bytes())
    GTEST_SKIP() << "this machine has too little memory for the job";
  const auto r = run_limited(std::to_string(limit), job + " --k " + std::to_string(k));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(has(r.err, emb.string() + ": out of memory: needed ")) << r.err;
  EXPECT_TRUE(has(r.err, "the kNN entropy (k = " + std::to_string(k))) << r.err;
  EXPECT_FALSE(has(r.err, "bad_alloc")) << r.err;
  EXPECT_FALSE(has(r.err, "terminate")) << r.err;
}
