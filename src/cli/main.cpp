// embed-metrics: the command-line tool. This file only parses the common
// flags and dispatches to the registered subcommands (src/cli/cmd_*.cpp).
// Exit codes: 0 success, 1 failure (bad input, I/O, backend), 2 usage error,
// 130 stopped by Ctrl-C.

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <new>
#include <stdexcept>

#include "cli/command.hpp"
#include "cli/failed_allocation.hpp"
#include "cli/number_options.hpp"
#include "embed_metrics/error.hpp"
#include "embed_metrics/version.hpp"

int main(int argc, char** argv) {
  using namespace embed_metrics;
  CLI::App app{"embed-metrics: label-free quality metrics for embedding spaces", "embed-metrics"};
  app.set_version_flag("--version", std::string("embed-metrics ") + version_string);
  app.require_subcommand(0, 1);

  cli::common_options common;
  app.add_option("--device", common.device, "Device: cpu, cuda, cuda:N or auto")
      ->check(cli::device_name())
      ->capture_default_str();
  app.add_option("--threads", common.threads,
                 "CPU threads (0 = all cores; more than the machine has are capped, with a note)")
      ->check(cli::whole_number(0, cli::most_threads_option()))
      ->capture_default_str();
  cli::add_format_option(app, common);
  app.add_option("--seed", common.seed, "Random seed")->check(cli::unsigned_number())->capture_default_str();
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
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    // One line: what is wrong and the valid values; --help has the rest.
    std::string what = e.what();
    std::replace(what.begin(), what.end(), '\n', ' ');
    std::cerr << "embed-metrics: usage error: " << what << " (see embed-metrics --help)\n";
    return 2;
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
  } catch (const std::bad_alloc&) {
    std::cerr << "embed-metrics: error: " << cli::bad_alloc_message("this command") << '\n';
    return 1;
  } catch (const std::length_error&) {
    std::cerr << "embed-metrics: error: " << cli::length_error_message("this command") << '\n';
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "embed-metrics: error: " << e.what() << '\n';
    return 1;
  }
}
