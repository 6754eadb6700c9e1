// `embed-metrics entropy EMB`: entropy and spectrum of an embeddings file
// (Kozachenko-Leonenko kNN, per-dimension histogram, Gaussian, effective rank).

#include <chrono>
#include <iostream>
#include <limits>
#include <memory>

#include "cli/command.hpp"
#include "cli/file_errors.hpp"
#include "cli/input_options.hpp"
#include "cli/memory_needs.hpp"
#include "cli/number_options.hpp"
#include "cli/output.hpp"
#include "embed_metrics/entropy.hpp"
#include "core/check.hpp"
#include "core/memory.hpp"
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

  return [args, &common] {
    const resources res = common.make_resources();
    const loaded_embeddings emb = args->input.load(args->file);
    const matrix_view x = emb.matrix.view();
    const auto t0 = std::chrono::steady_clock::now();
    const entropy_unit unit = args->bits ? entropy_unit::bits : entropy_unit::nats;
    const std::string& e = args->estimator;
    const bool all = e == "all";

    json out;
    out["n"] = x.rows;
    out["d"] = x.cols;
    out["knn_entropy"] = nullptr;
    out["histogram_entropy"] = nullptr;
    out["gaussian_entropy"] = nullptr;
    out["effective_rank"] = nullptr;
    if (all || e == "knn") {
      const std::string job = detail::cat("the kNN entropy (k = ", args->k, ", n = ", x.rows, ")");
      const auto r = about_file(args->file, job, [&] {
        if (args->k < x.rows) detail::require_memory(knn_bytes(x.rows, args->k), job);
        return knn_entropy(res, x, knn_entropy_params{args->k, unit});
      });
      out["knn_entropy"] = r.entropy;
      if (r.zero_distance_rows > 0)
        std::cerr << "embed-metrics: note: " << r.zero_distance_rows
                  << " rows have k or more exact duplicates (k-th neighbour distance 0); their "
                     "distance was replaced by the smallest positive one, "
                  << r.zero_eps_replacement << "\n";
    }
    if (all || e == "histogram") {
      histogram_params p;
      p.rule = args->fd ? bin_rule::freedman_diaconis : bin_rule::fixed;
      p.bins = args->bins;
      p.miller_madow = args->miller_madow;
      p.unit = unit;
      const std::string job = detail::cat("the histogram entropy (", args->fd ? "Freedman-Diaconis" : std::to_string(p.bins), " bins, n = ", x.rows, ")");
      out["histogram_entropy"] = about_file(args->file, job, [&] {
        if (!args->fd) detail::require_memory(histogram_bytes(x.rows, p.bins, res.threads()), job);
        return histogram_entropy(res, x, p).entropy;
      });
    }
    if (all || e == "gaussian") {
      const auto r = about_file(args->file, "the Gaussian entropy", [&] {
        return gaussian_entropy(res, x, gaussian_entropy_params{unit});
      });
      out["gaussian_entropy"] = r.entropy;
      if (r.ridge > 0.0)
        std::cerr << "embed-metrics: note: the covariance is singular; a ridge of " << r.ridge
                  << " was added to its diagonal\n";
    }
    if (all || e == "rank")
      out["effective_rank"] = about_file(args->file, "the effective rank",
                                         [&] { return effective_rank(res, x).effective_rank; });
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
