// `embed-metrics entropy EMB`: entropy and spectrum of an embeddings file
// (Kozachenko-Leonenko kNN, per-dimension histogram, Gaussian, effective rank).

#include <chrono>
#include <functional>
#include <iostream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/file_errors.hpp"
#include "cli/input_options.hpp"
#include "cli/memory_needs.hpp"
#include "cli/number_options.hpp"
#include "cli/output.hpp"
#include "embed_metrics/entropy.hpp"
#include "core/check.hpp"
#include "core/memory.hpp"
#include "embed_metrics/error.hpp"
#include "embed_metrics/io.hpp"

namespace embed_metrics::cli {
namespace {

struct entropy_args {
  std::string file;
  input_options input;
  std::string estimator = "all";
  std::int64_t k = 3;
  bool bits = false;
  std::int64_t bins = 64;
  bool fd = false;
  bool miller_madow = false;
};

struct estimator {
  std::string key;
  bool asked;
  std::function<double()> compute;
};

std::function<int()> setup(CLI::App& sub, common_options& common) {
  auto args = std::make_shared<entropy_args>();
  sub.add_option("file", args->file, "Embeddings file (.npy, .npz, .safetensors, .csv, raw)")
      ->required();
  sub.add_option("--estimator", args->estimator, "Which estimate: knn, histogram, gaussian, rank or all")
      ->check(CLI::IsMember({"knn", "histogram", "gaussian", "rank", "all"}))
      ->capture_default_str();
  sub.add_option("--k", args->k, "Neighbour of the kNN (Kozachenko-Leonenko) estimator")
      ->check(whole_number(1, std::numeric_limits<std::int32_t>::max()))
      ->capture_default_str();
  sub.add_flag("--bits", args->bits, "Entropies in bits instead of nats");
  sub.add_option("--bins", args->bins, "Histogram: equal-width bins per dimension (the figure is the mean over "
                 "dimensions of the discrete plug-in entropy of these bins)")
      ->check(whole_number(1, std::numeric_limits<std::int64_t>::max()))
      ->capture_default_str();
  sub.add_flag("--fd", args->fd, "Histogram: Freedman-Diaconis bins instead of --bins");
  sub.add_flag("--miller-madow", args->miller_madow, "Histogram: add the Miller-Madow correction");
  args->input.add_to(sub);
  add_format_option(sub, common);

  sub.footer(
      "With --estimator all, an estimator that cannot be computed for this input (for example "
      "knn on fewer than k + 1 rows, gaussian on constant columns) does not stop the others: "
      "its value is null, NAME_error says why (a line in the table, a string in JSON and CSV), "
      "and a note goes to stderr. The exit code is 0 when at least one estimator succeeded, "
      "1 when all failed; a single estimator that fails is exit 1.\n");

  return [args, &common] {
    const resources res = common.make_resources();
    const loaded_embeddings emb = args->input.load(args->file);
    const matrix_view x = emb.matrix.view();
    const auto t0 = std::chrono::steady_clock::now();
    const entropy_unit unit = args->bits ? entropy_unit::bits : entropy_unit::nats;
    const std::string& e = args->estimator;
    const bool all = e == "all";

    // Each estimator: its output key, whether it was asked for, and how to compute it.
    const std::vector<estimator> estimators{
        {"knn_entropy", all || e == "knn",
         [&] {
           const std::string job = detail::cat("the kNN entropy (k = ", args->k, ", n = ", x.rows, ")");
           const auto r = about_file(args->file, job, [&] {
             if (args->k < x.rows) detail::require_memory(knn_bytes(x.rows, args->k), job);
             return knn_entropy(res, x, knn_entropy_params{args->k, unit});
           });
           if (r.zero_distance_rows > 0)
             std::cerr << "embed-metrics: note: " << r.zero_distance_rows
                       << " rows have k or more exact duplicates (k-th neighbour distance 0); their "
                          "distance was replaced by the smallest positive one, "
                       << r.zero_eps_replacement << "\n";
           return r.entropy;
         }},
        {"histogram_entropy", all || e == "histogram",
         [&] {
           histogram_params p;
           p.rule = args->fd ? bin_rule::freedman_diaconis : bin_rule::fixed;
           p.bins = args->bins;
           p.miller_madow = args->miller_madow;
           p.unit = unit;
           const std::string job =
               detail::cat("the histogram entropy (", args->fd ? "Freedman-Diaconis" : std::to_string(p.bins),
                           " bins, n = ", x.rows, ")");
           return about_file(args->file, job, [&] {
             if (!args->fd) detail::require_memory(histogram_bytes(x.rows, p.bins, res.threads()), job);
             return histogram_entropy(res, x, p).entropy;
           });
         }},
        {"gaussian_entropy", all || e == "gaussian",
         [&] {
           const auto r = about_file(args->file, "the Gaussian entropy",
                                     [&] { return gaussian_entropy(res, x, gaussian_entropy_params{unit}); });
           if (r.null_eigenvalues > 0)
             std::cerr << "embed-metrics: note: the covariance is singular: " << r.null_eigenvalues
                       << " of its " << x.cols << " eigenvalues are at or below "
                       << kGaussianEntropyRelTol << " times the largest and were raised to "
                       << r.eigenvalue_floor << "\n";
           return r.entropy;
         }},
        {"effective_rank", all || e == "rank", [&] {
           return about_file(args->file, "the effective rank",
                             [&] { return effective_rank(res, x).effective_rank; });
         }},
    };

    json out;
    out["n"] = x.rows;
    out["d"] = x.cols;
    int succeeded = 0;
    std::string failures;
    for (const auto& est : estimators) {
      out[est.key] = nullptr;
      if (!est.asked) continue;
      try {
        out[est.key] = est.compute();
        ++succeeded;
      } catch (const interrupted&) {
        throw;
      } catch (const error& ex) {
        if (!all) throw;  // one estimator: its failure is the command's
        out[est.key + "_error"] = ex.what();
        std::cerr << "embed-metrics: note: " << est.key << " not computed: " << ex.what() << "\n";
        failures += (failures.empty() ? "" : "; ") + est.key + ": " + ex.what();
      }
    }
    if (succeeded == 0) throw error("every estimator failed for '" + args->file + "': " + failures);
    out["units"] = args->bits ? "bits" : "nats";
    out["k"] = args->k;
    out["seconds"] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    print_record(std::cout, out, common.format);
    return 0;
  };
}

const registrar reg{{"entropy",
                     "Entropy of the embeddings: kNN (Kozachenko-Leonenko), histogram, Gaussian, "
                     "and the effective rank",
                     setup, 40}};

}  // namespace
}  // namespace embed_metrics::cli
