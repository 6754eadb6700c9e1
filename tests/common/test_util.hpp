#pragma once
// Shared test helpers: seeded random data (the seed is printed), golden files
// written by tests/golden/*.py, running the tool, temporary folders, and the
// GPU skip.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "embed_metrics/matrix.hpp"
#include "embed_metrics/resources.hpp"

namespace em_test {

/// Seed for random test data: EM_TEST_SEED from the environment, else @p fallback.
/// Printed to the test log so that a failure can be replayed.
std::uint64_t test_seed(std::uint64_t fallback);

/// An n x d matrix of N(0, 1) values from @p seed.
embed_metrics::host_matrix random_normal(std::int64_t n, std::int64_t d, std::uint64_t seed);

/// n points around k random centers (unit-variance centers scaled by @p spread,
/// noise sigma 1), with their component labels.
struct blobs {
  embed_metrics::host_matrix x;
  std::vector<std::int64_t> labels;
};
blobs make_blobs(std::int64_t n, std::int64_t d, std::int64_t k, double spread, std::uint64_t seed);

/// n labels uniform in [0, k).
std::vector<std::int64_t> random_labels(std::int64_t n, std::int64_t k, std::uint64_t seed);

/// The JSON file tests/golden/<name>.
nlohmann::json load_golden(const std::string& name);

/// A host_matrix from a JSON array of rows.
embed_metrics::host_matrix matrix_from_json(const nlohmann::json& rows);

/// Result of running the embed-metrics tool.
struct tool_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};
/// Run the tool with @p args (a shell-quoted argument string).
tool_result run_tool(const std::string& args);

/// A fresh empty folder under the system temp dir, removed at exit of the test binary.
std::filesystem::path temp_dir(const std::string& tag);

/// True when a CUDA device is usable; else the reason (for GTEST_SKIP).
bool have_gpu(std::string* why);

}  // namespace em_test

/// Skip the current test, saying why, where no usable GPU is present.
#define EM_REQUIRE_GPU()                                            \
  do {                                                              \
    std::string em_why_;                                            \
    if (!::em_test::have_gpu(&em_why_)) GTEST_SKIP() << em_why_;    \
  } while (0)
