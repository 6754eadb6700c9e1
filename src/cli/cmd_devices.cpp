// `embed-metrics devices`: what this build and machine can run on.

#include <cstdlib>
#include <iostream>
#include <string>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "cpu/blas.hpp"
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
    // The CPU backend's speed depends on the BLAS kernel chosen for this CPU
    // (an older OpenBLAS falls back to generic SSE3 kernels on a model it does
    // not know), so say which one runs.
    const auto blas = cpu::blas_in_use();
    out["blas"] = blas.library;
    out["blas_config"] = blas.config;
    out["blas_kernel"] = blas.kernel;
    out["blas_threads"] = blas.threads;
    out["blas_choice"] = blas.choice;
    const char* coretype = std::getenv("OPENBLAS_CORETYPE");
    out["blas_kernel_from"] =
        coretype == nullptr ? "OpenBLAS's own CPU detection" : "OPENBLAS_CORETYPE set by the user";
    // A generic kernel on a CPU with AVX2 + FMA or AVX-512: OpenBLAS did not
    // recognise the model; OPENBLAS_CORETYPE can name the kernel set its
    // features call for (about 4x the SGEMM rate of the generic one).
    const std::string suggested = cpu::kernel_for_cpu_features(blas.kernel);
    out["blas_kernel_suggested"] =
        suggested.empty() ? json(nullptr)
                          : json(suggested + ": OpenBLAS chose a generic kernel on a CPU with the features of " +
                                 suggested + "; OPENBLAS_CORETYPE=" + suggested + " selects it");
    const char* wait = std::getenv("OMP_WAIT_POLICY");
    out["openmp_wait_policy"] = wait != nullptr ? wait : "default";
    print_record(std::cout, out, common.format);
    return 0;
  };
}

const registrar reg{{"devices", "Show the devices this build can use and which --device picks",
                     setup, 90}};

}  // namespace
}  // namespace embed_metrics::cli
