#pragma once
// The tool's subcommands register themselves here: each src/cli/cmd_*.cpp
// defines one static `registrar`, so adding a subcommand touches one file.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "embed_metrics/resources.hpp"

namespace embed_metrics::cli {

/// Options common to every subcommand (--device, --threads, --format, --seed).
struct common_options {
  std::string device = "auto";
  int threads = 0;
  std::string format = "table";
  std::uint64_t seed = 0;
  bool verbose = false;

  /// The resources these options ask for (throws backend_unavailable etc.).
  [[nodiscard]] resources make_resources() const;
};

/// One subcommand: its name, a one-line help, and a function that adds its
/// options to @p sub and returns the action to run after parsing (which
/// returns the process exit code).
struct command {
  std::string name;
  std::string help;
  std::function<std::function<int()>(CLI::App& sub, common_options& common)> setup;
  int order = 100;  ///< position in --help (smaller first)
};

/// All registered subcommands.
std::vector<command>& registry();

/// Registers a command at static-initialisation time.
struct registrar {
  explicit registrar(command c) { registry().push_back(std::move(c)); }
};

/// Adds --format to @p sub bound to @p common.format (table|json|csv).
void add_format_option(CLI::App& sub, common_options& common);

}  // namespace embed_metrics::cli
