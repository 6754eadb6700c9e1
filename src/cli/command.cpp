#include "cli/command.hpp"

#include <iostream>

namespace embed_metrics::cli {

std::vector<command>& registry() {
  static std::vector<command> commands;
  return commands;
}

resources common_options::make_resources() const {
  resources res(device, threads);
  if (verbose) std::cerr << "embed-metrics: device " << res.describe() << '\n';
  return res;
}

void add_format_option(CLI::App& sub, common_options& common) {
  sub.add_option("--format", common.format, "Output format: table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
}

}  // namespace embed_metrics::cli
