#include "cli/command.hpp"

#include <iostream>

namespace embed_metrics::cli {

std::vector<command>& registry() {
  static std::vector<command> commands;
  return commands;
}

resources common_options::make_resources() const {
  const int most = max_cpu_threads();
  int use = threads;
  if (use > most) {
    std::cerr << "embed-metrics: note: --threads " << threads << " is more than the " << most
              << " this machine can run at once; using " << most << '\n';
    use = most;
  }
  resources res(device, use);
  if (verbose) std::cerr << "embed-metrics: device " << res.describe() << '\n';
  return res;
}

void add_format_option(CLI::App& sub, common_options& common) {
  sub.add_option("--format", common.format, "Output format: table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
}

}  // namespace embed_metrics::cli
