// `embed-metrics kmeans EMB --k K`: k-means on an embeddings file; prints n,
// d, k, inertia, n_iter, converged, seed and seconds, and writes the labels
// (--out, 1-D int64 .npy, one per row of the file: -1 for a row that
// --drop-nonfinite dropped) and the centres (--centers, k x d float32 .npy).
// An output path that names the input file is refused.

#include <chrono>
#include <iostream>
#include <limits>

#include "cli/command.hpp"
#include "cli/file_errors.hpp"
#include "cli/input_options.hpp"
#include "cli/memory_needs.hpp"
#include "cli/number_options.hpp"
#include "cli/output.hpp"
#include "core/check.hpp"
#include "core/memory.hpp"
#include "embed_metrics/io.hpp"
#include "embed_metrics/kmeans.hpp"

namespace embed_metrics::cli {
namespace {

struct kmeans_args {
  std::string file;
  std::int64_t k = 0;
  int n_init = 1;
  int max_iter = 300;
  std::string metric = "euclidean";
  std::string out;
  std::string centers;
  input_options input;
};

std::function<int()> setup(CLI::App& sub, common_options& common) {
  auto args = std::make_shared<kmeans_args>();
  sub.add_option("file", args->file, "Embeddings file (.npy, .npz, .safetensors, .csv, raw)")
      ->required();
  constexpr std::int64_t kMost = std::numeric_limits<std::int32_t>::max();
  sub.add_option("--k", args->k, "Number of clusters")->required()->check(whole_number(1, kMost));
  sub.add_option("--n-init", args->n_init, "Runs with different seeds (batched); the lowest inertia is kept")
      ->check(whole_number(1, kMost))
      ->capture_default_str();
  sub.add_option("--max-iter", args->max_iter, "Most Lloyd iterations per run")
      ->check(whole_number(1, kMost))
      ->capture_default_str();
  sub.add_option("--metric", args->metric, "euclidean, or cosine (spherical k-means)")
      ->check(CLI::IsMember({"euclidean", "cosine"}))
      ->capture_default_str();
  sub.add_option("--out", args->out, "Write the labels here (.npy, 1-D int64, one per row)");
  sub.add_option("--centers", args->centers, "Write the centres here (.npy, k x d float32)");
  args->input.add_to(sub);
  add_format_option(sub, common);
  return [args, &common] {
    EM_EXPECTS(args->out.empty() || args->centers.empty() || !same_file(args->out, args->centers),
               "--out and --centers name the same file '", args->out, "'; give two paths");
    check_output(args->out, {args->file}, "--out");
    check_output(args->centers, {args->file}, "--centers");
    const resources res = common.make_resources();
    const loaded_embeddings emb = args->input.load(args->file);
    kmeans_params p;
    p.k = args->k;
    p.seed = common.seed;
    p.n_init = args->n_init;
    p.max_iter = args->max_iter;
    p.metric = args->metric == "cosine" ? kmeans_metric::cosine : kmeans_metric::euclidean;
    const std::int64_t n = emb.matrix.rows();
    const std::int64_t d = emb.matrix.cols();
    const std::string job = detail::cat("k-means (k = ", p.k, ", n_init = ", p.n_init, ", n = ", n,
                                        ", d = ", d, ")");
    const auto t0 = std::chrono::steady_clock::now();
    const kmeans_result r = about_file(args->file, job, [&] {
      if (p.k <= n) detail::require_memory(kmeans_bytes(n, d, p.k, p.n_init), job);
      return kmeans(res, emb.matrix.view(), p);
    });
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!args->out.empty()) {
      if (emb.kept_rows.empty()) {
        save_npy(args->out, r.labels);
      } else {  // one label per row of the file, so that it lines up with the input
        std::vector<std::int64_t> out(static_cast<std::size_t>(n + emb.dropped_rows), -1);
        for (std::size_t i = 0; i < emb.kept_rows.size(); ++i)
          out[static_cast<std::size_t>(emb.kept_rows[i])] = r.labels[i];
        save_npy(args->out, out);
      }
    }
    if (!args->centers.empty()) save_npy(args->centers, r.centers.view());
    json out;
    out["n"] = emb.matrix.rows();
    out["d"] = emb.matrix.cols();
    out["k"] = p.k;
    out["inertia"] = r.inertia;
    out["n_iter"] = r.n_iter;
    out["converged"] = r.converged;
    out["seed"] = p.seed;  // the seed given (run 0 of n_init); it reproduces the result
    out["seconds"] = seconds;
    print_record(std::cout, out, common.format);
    return 0;
  };
}

const registrar reg{{"kmeans", "k-means (k-means++ and Lloyd) of an embeddings file", setup, 20}};

}  // namespace
}  // namespace embed_metrics::cli
