// `embed-metrics agree A B`: agreement scores between two label files (ARI,
// AMI, NMI, MI, homogeneity, completeness, V-measure, Fowlkes-Mallows, purity,
// Hungarian-matched accuracy).

#include <chrono>
#include <iostream>
#include <memory>
#include <string>

#include "cli/command.hpp"
#include "cli/file_errors.hpp"
#include "cli/number_options.hpp"
#include "cli/output.hpp"
#include "embed_metrics/agreement.hpp"
#include "embed_metrics/error.hpp"
#include "embed_metrics/io.hpp"

namespace embed_metrics::cli {
namespace {

struct agree_args {
  std::string file_a, file_b;
  std::string average = "arithmetic";
  std::string array;
  double beta = 1.0;
  bool no_accuracy = false;
};

std::function<int()> setup(CLI::App& sub, common_options& common) {
  auto args = std::make_shared<agree_args>();
  sub.add_option("a", args->file_a, "Labels of the first clustering (.npy, .npz, .txt, .csv)")->required();
  sub.add_option("b", args->file_b, "Labels of the second clustering, one per point of A")->required();
  sub.add_option("--average", args->average, "Mean of the entropies normalising AMI and NMI")
      ->check(CLI::IsMember({"arithmetic", "geometric", "min", "max"}))
      ->capture_default_str();
  sub.add_option("--beta", args->beta, "V-measure weight (> 1 favours completeness)")
      ->check(positive_number())
      ->capture_default_str();
  sub.add_option("--array", args->array, "Array name inside .npz / .safetensors label files");
  sub.add_flag("--no-accuracy", args->no_accuracy,
               "Skip the Hungarian matching (O(k^3) in the number of clusters)");
  add_format_option(sub, common);
  return [args, &common] {
    load_options options;
    options.array = args->array;
    const auto a = load_labels(args->file_a, options);
    const auto b = load_labels(args->file_b, options);
    if (a.size() != b.size())
      throw invalid_argument(args->file_a + " has " + std::to_string(a.size()) + " labels, " +
                             args->file_b + " " + std::to_string(b.size()) +
                             "; both files need one label per point");
    const resources res = common.make_resources();
    agreement_params params;
    params.average = parse_average_method(args->average);
    params.beta = args->beta;
    params.accuracy = !args->no_accuracy;
    const auto t0 = std::chrono::steady_clock::now();
    const agreement_result r = about_file(args->file_a + " and " + args->file_b, "the agreement scores",
                                          [&] { return agreement(res, a, b, params); });
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    json out;
    out["n"] = r.n;
    out["clusters_a"] = r.clusters_a;
    out["clusters_b"] = r.clusters_b;
    out["ari"] = r.ari;
    out["ami"] = r.ami;
    out["nmi"] = r.nmi;
    out["mi"] = r.mi;
    out["homogeneity"] = r.homogeneity;
    out["completeness"] = r.completeness;
    out["v_measure"] = r.v_measure;
    out["fowlkes_mallows"] = r.fowlkes_mallows;
    out["purity"] = r.purity;
    out["accuracy"] = r.accuracy;  // NaN (null in JSON) when skipped
    out["seconds"] = seconds;
    out["expected_mi"] = r.expected_mi;
    out["entropy_a"] = r.entropy_a;
    out["entropy_b"] = r.entropy_b;
    out["average"] = to_string(params.average);
    out["device"] = res.device_string();
    print_record(std::cout, out, common.format);
    return 0;
  };
}

const registrar reg{{"agree", "Agreement between two labelings: ARI, AMI, NMI, V-measure, accuracy, ...",
                     setup, 40}};

}  // namespace
}  // namespace embed_metrics::cli
