// `embed-metrics info`: prints what a file holds, and a bad file makes the
// tool exit 1 with the loader's message on stderr.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/test_util.hpp"
#include "io_test_files.hpp"

namespace {

std::string fixture(const std::string& name) { return std::string(EM_GOLDEN_DIR) + "/io/" + name; }

}  // namespace

TEST(IoCli, InfoPrintsFormatDtypeShapeSize) {
  const auto r = em_test::run_tool("info '" + fixture("be_f8.npy") + "' --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["format"], "npy");
  EXPECT_EQ(j["dtype"], ">f8");
  EXPECT_EQ(j["shape"], nlohmann::json::array({3, 4}));
  EXPECT_EQ(j["bytes"], 96);
  EXPECT_FALSE(j.contains("distinct_values"));
}

TEST(IoCli, InfoCountsDistinctIntegerValues) {
  const auto r = em_test::run_tool("info '" + fixture("deflated.npz") + "' --array labels --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["dtype"], "<i8");
  EXPECT_EQ(j["distinct_values"], 2);
}

TEST(IoCli, InfoListsTheArraysOfAnArchive) {
  const auto r = em_test::run_tool("info '" + fixture("tensors.safetensors") + "' --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["arrays"].size(), 5u);
  EXPECT_EQ(j["arrays"][1]["name"], "bf16");
  EXPECT_EQ(j["arrays"][1]["dtype"], "bf16");
}

TEST(IoCli, InfoRawNeedsShape) {
  const auto r = em_test::run_tool("info '" + fixture("x_3x4.bf16") + "' --shape 3x4 --dtype bf16 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["shape"], nlohmann::json::array({3, 4}));
}

TEST(IoCli, BadFileExitsOneWithTheMessageOnStderr) {
  const auto dir = em_test::temp_dir("cli");
  const auto p = em_test::io::write_file(dir / "bad.npy", "not a numpy file at all");
  const auto r = em_test::run_tool("info '" + p + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("embed-metrics: error: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bad.npy: wrong magic"), std::string::npos) << r.err;
  const auto t = em_test::run_tool("info '" + em_test::io::write_file(dir / "t.safetensors", std::string("\x05\0\0\0\0\0\0\0{\"a\":", 13)) + "'");
  EXPECT_EQ(t.exit_code, 1);
  EXPECT_NE(t.err.find("t.safetensors: garbled .safetensors header"), std::string::npos) << t.err;
}

TEST(IoCli, MissingFileArgumentIsUsageError) {
  const auto r = em_test::run_tool("info");
  EXPECT_EQ(r.exit_code, 2);
}
