// `embed-metrics devices`: what this build and machine can run on.

#include <iostream>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::cli {
namespace {

std::function<int()> setup(CLI::App& sub, common_options& common) {
  add_format_option(sub, common);
  return [&common] {
    const resources res = common.make_resources();
    json out;
    out["cuda_compiled"] = cuda_compiled();
    out["cuda_devices"] = cuda_device_count();
    out["device"] = res.device_string();
    out["description"] = res.describe();
    out["threads"] = res.threads();
    print_record(std::cout, out, common.format);
    return 0;
  };
}

const registrar reg{{"devices", "Show the devices this build can use and which --device picks",
                     setup, 90}};

}  // namespace
}  // namespace embed_metrics::cli
