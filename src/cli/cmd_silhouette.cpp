// `embed-metrics silhouette EMB LABELS`: the silhouette of a clustering, exact
// by default, or one of the two approximations (--sample-size, --simplified).

#include <chrono>
#include <iostream>
#include <limits>
#include <memory>

#include "cli/command.hpp"
#include "cli/file_errors.hpp"
#include "cli/input_options.hpp"
#include "cli/number_options.hpp"
#include "cli/output.hpp"
#include "embed_metrics/io.hpp"
#include "embed_metrics/silhouette.hpp"

namespace embed_metrics::cli {
namespace {

struct silhouette_args {
  std::string embeddings;
  std::string labels;
  std::string labels_array;
  input_options input;
  std::string metric = "euclidean";
  std::string samples;
  std::int64_t sample_size = 0;
  bool simplified = false;
};

std::function<int()> setup(CLI::App& sub, common_options& common) {
  auto args = std::make_shared<silhouette_args>();
  sub.add_option("embeddings", args->embeddings, "Embeddings file (n x d)")->required();
  sub.add_option("labels", args->labels, "Cluster labels, one per row (integer .npy or text)")
      ->required();
  args->input.add_to(sub);
  sub.add_option("--labels-array", args->labels_array,
                 "Array or tensor name of the labels in a .npz or .safetensors LABELS file");
  sub.add_option("--metric", args->metric, "Distance: euclidean, cosine or sqeuclidean")
      ->check(CLI::IsMember({"euclidean", "cosine", "sqeuclidean"}))
      ->capture_default_str();
  sub.add_option("--samples", args->samples,
                 "Write the per-point values to this .npy (1-D float64, one entry per row of the "
                 "embeddings file; NaN for rows not scored)");
  auto* size_opt = sub.add_option(
      "--sample-size", args->sample_size,
      "Approximation: score a random sample of N points (drawn with --seed), as scikit-learn's "
      "sample_size");
  size_opt->check(whole_number(2, std::numeric_limits<std::int64_t>::max()));
  sub.add_flag("--simplified", args->simplified,
               "Approximation: distances to the cluster centroids instead of to every point")
      ->excludes(size_opt);
  add_format_option(sub, common);

  return [args, &common] {
    check_output(args->samples, {args->embeddings, args->labels}, "--samples");
    const resources res = common.make_resources();
    const loaded_embeddings emb = args->input.load(args->embeddings);
    const std::int64_t file_rows = emb.matrix.rows() + emb.dropped_rows;
    const std::vector<std::int64_t> labels =
        labels_of_kept_rows(load_labels_file(args->labels, args->labels_array), emb,
                            args->embeddings, args->labels);

    silhouette_params params;
    params.metric = parse_silhouette_metric(args->metric);
    params.per_sample = !args->samples.empty();
    const auto t0 = std::chrono::steady_clock::now();
    const silhouette_result r = about_file(args->embeddings, "the silhouette", [&] {
      if (args->simplified) return silhouette_simplified(res, emb.matrix.view(), labels, params);
      if (args->sample_size > 0)
        return silhouette_sampled(res, emb.matrix.view(), labels, args->sample_size, common.seed,
                                  params);
      return silhouette(res, emb.matrix.view(), labels, params);
    });
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    if (!args->samples.empty()) {
      // One entry per row of the file: NaN where a row was dropped or not drawn.
      std::vector<double> out(static_cast<std::size_t>(file_rows),
                              std::numeric_limits<double>::quiet_NaN());
      for (std::size_t i = 0; i < r.samples.size(); ++i) {
        std::int64_t row = r.sample_rows.empty() ? static_cast<std::int64_t>(i) : r.sample_rows[i];
        if (!emb.kept_rows.empty()) row = emb.kept_rows[static_cast<std::size_t>(row)];
        out[static_cast<std::size_t>(row)] = r.samples[i];
      }
      save_npy(args->samples, out);
    }

    json clusters = json::array();
    for (const auto& c : r.clusters)
      clusters.push_back({{"label", c.label}, {"size", c.size}, {"silhouette", c.mean}});
    json out;
    out["n"] = r.n;
    out["k"] = r.k;
    out["metric"] = std::string(to_string(params.metric));
    out["silhouette"] = r.score;
    out["per_cluster"] = std::move(clusters);
    out["exact"] = r.exact;
    out["seconds"] = seconds;
    print_record(std::cout, out, common.format);
    return 0;
  };
}

const registrar reg{{"silhouette",
                     "Silhouette of a clustering (exact; or --sample-size / --simplified "
                     "approximations)",
                     setup, 30}};

}  // namespace
}  // namespace embed_metrics::cli
