// embed-metrics: the command-line tool. This file only parses the common
// flags and dispatches to the registered subcommands (src/cli/cmd_*.cpp).
// Exit codes: 0 success, 1 failure (bad input, I/O, backend), 2 usage error,
// 130 stopped by Ctrl-C.

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>

#include "cli/command.hpp"
#include "embed_metrics/error.hpp"
#include "embed_metrics/version.hpp"

int main(int argc, char** argv) {
  using namespace embed_metrics;
  CLI::App app{"embed-metrics: label-free quality metrics for embedding spaces", "embed-metrics"};
  app.set_version_flag("--version", std::string("embed-metrics ") + version_string);
  app.require_subcommand(0, 1);

  cli::common_options common;
  app.add_option("--device", common.device, "Device: cpu, cuda, cuda:N or auto")
      ->capture_default_str();
  app.add_option("--threads", common.threads, "CPU threads (0 = all cores)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cli::add_format_option(app, common);
  app.add_option("--seed", common.seed, "Random seed")->capture_default_str();
  app.add_flag("-v,--verbose", common.verbose, "Say which device was chosen, on stderr");

  auto& commands = cli::registry();
  std::stable_sort(commands.begin(), commands.end(),
                   [](const cli::command& a, const cli::command& b) { return a.order < b.order; });
  std::function<int()> action;
  for (auto& c : commands) {
    CLI::App* sub = app.add_subcommand(c.name, c.help);
    sub->fallthrough();  // the common flags may follow the subcommand
    auto run = c.setup(*sub, common);
    sub->callback([&action, run] { action = run; });
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (!action) {
    std::cout << app.help();
    return 0;
  }
  try {
    return action();
  } catch (const interrupted& e) {
    std::cerr << "\nembed-metrics: " << e.what() << '\n';
    return 130;
  } catch (const std::exception& e) {
    std::cerr << "embed-metrics: error: " << e.what() << '\n';
    return 1;
  }
}
