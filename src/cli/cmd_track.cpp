// `embed-metrics track CKPT...`: the report for each checkpoint, their
// correlation with linear-probe accuracy (or with AMI against the labels),
// and an SVG plot.

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>

#include "cli/command.hpp"
#include "cli/number_options.hpp"
#include "cli/progress.hpp"
#include "cli/report_options.hpp"
#include "cli/report_output.hpp"
#include "cli/svg_plot.hpp"
#include "core/check.hpp"
#include "core/validate.hpp"
#include "embed_metrics/correlation.hpp"

namespace embed_metrics::cli {
namespace {

struct track_args {
  std::vector<std::string> checkpoints;
  std::string lp_path;
  int skip_first = 0;
  std::string plot_path;
  report_options opts;
};

// One accuracy per line; a first line that is not a number is a header;
// blank lines are ignored.
std::vector<double> read_lp_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw io_error(detail::cat("cannot open --lp-acc file ", path));
  std::vector<double> out;
  std::string line;
  std::int64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    line = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
    try {
      std::size_t used = 0;
      const double v = std::stod(line, &used);
      if (used != line.size()) throw std::invalid_argument("trailing text");
      if (!std::isfinite(v)) throw std::invalid_argument("not finite");
      out.push_back(v);
    } catch (const std::logic_error&) {
      if (line_no == 1 && out.empty()) continue;  // header line
      throw format_error(detail::cat(path, ":", line_no, ": expected one accuracy per line, got '",
                                     line, "'"));
    }
  }
  return out;
}

std::string base_name(const std::string& p) { return std::filesystem::path(p).filename().string(); }

std::function<int()> setup(CLI::App& sub, common_options& common) {
  auto a = std::make_shared<track_args>();
  sub.add_option("CKPT", a->checkpoints, "Embeddings of each checkpoint, in training order")
      ->required();
  sub.add_option("--lp-acc", a->lp_path,
                 "Linear-probe accuracy per checkpoint, one per line (a header line allowed)");
  sub.add_option("--skip-first", a->skip_first,
                 "Leave the first N checkpoints out of the correlations")
      ->check(whole_number(0, std::numeric_limits<int>::max()));
  sub.add_option("--plot", a->plot_path, "Write an SVG plot of every metric and the LP accuracy");
  a->opts.add_to(sub);
  add_format_option(sub, common);

  return [a, &common] {
    const auto& ckpts = a->checkpoints;
    const int n_ckpt = static_cast<int>(ckpts.size());
    std::vector<std::string> inputs = ckpts;
    if (!a->lp_path.empty()) inputs.push_back(a->lp_path);
    if (!a->opts.labels_path.empty()) inputs.push_back(a->opts.labels_path);
    refuse_to_overwrite(a->plot_path, inputs, "--plot");

    std::vector<double> lp;
    if (!a->lp_path.empty()) {
      lp = read_lp_file(a->lp_path);
      EM_EXPECTS(static_cast<int>(lp.size()) == n_ckpt, "--lp-acc ", a->lp_path, " has ", lp.size(),
                 " values but ", n_ckpt, " checkpoints were given; give one accuracy per checkpoint");
    }
    const auto all_labels = a->opts.load_labels_if_any();
    const bool with_labels = !all_labels.empty();
    const resources res = common.make_resources();
    auto params = a->opts.params(common);

    std::vector<json> rows;
    std::vector<report_result> results;
    std::int64_t width = -1;
    progress bar(n_ckpt);
    for (int c = 0; c < n_ckpt; ++c) {
      bar.update(c, "checkpoint " + std::to_string(c + 1) + ": loading " + base_name(ckpts[c]));
      const auto emb = a->opts.input.load(ckpts[c]);
      if (width < 0) width = emb.matrix.cols();
      EM_EXPECTS(emb.matrix.cols() == width, "checkpoint ", ckpts[c], " has ", emb.matrix.cols(),
                 " dimensions but ", ckpts[0], " has ", width,
                 "; all checkpoints of one trajectory need the same width");
      // Each checkpoint drops its own NaN/Inf rows: its labels follow them.
      const auto labels = with_labels ? labels_of_kept_rows(all_labels, emb, ckpts[c], a->opts.labels_path)
                                      : std::vector<std::int64_t>{};
      params.progress = [&bar, c, &ckpts](const std::string& step, int, int) {
        bar.update(c, "checkpoint " + std::to_string(c + 1) + " (" + base_name(ckpts[c]) + "): " + step);
      };
      results.push_back(evaluate_file(res, ckpts[c], emb.matrix.view(), labels, params));
      json row;
      row["path"] = ckpts[c];
      const json report = report_json(results.back(), with_labels);
      for (auto it = report.begin(); it != report.end(); ++it) row[it.key()] = it.value();
      if (!lp.empty()) row["lp_accuracy"] = lp[static_cast<std::size_t>(c)];
      rows.push_back(std::move(row));
    }
    bar.finish();

    // Correlations of every metric with the reference series.
    const bool have_ref = !lp.empty() || with_labels;
    const std::string ref_key = !lp.empty() ? "lp_accuracy" : "ami_c1_gt";
    json corr = json::object();
    const int first = std::min(a->skip_first, n_ckpt);
    if (have_ref && n_ckpt - first < 2)
      std::cerr << "embed-metrics: fewer than 2 checkpoints left after --skip-first " << a->skip_first
                << ": no correlations\n";
    if (have_ref && n_ckpt - first >= 2) {
      std::vector<double> ref;
      for (int c = first; c < n_ckpt; ++c) ref.push_back(rows[static_cast<std::size_t>(c)][ref_key].get<double>());
      for (const auto& key : metric_keys(with_labels)) {
        if (key == ref_key) continue;
        std::vector<double> xs;
        for (int c = first; c < n_ckpt; ++c) {
          const auto& v = rows[static_cast<std::size_t>(c)][key];
          if (!v.is_number()) break;
          xs.push_back(v.get<double>());
        }
        if (xs.size() != ref.size()) continue;
        const auto r = correlate(xs, ref);
        auto num_or_null = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
        corr[key] = {{"spearman", num_or_null(r.spearman)},
                     {"pearson", num_or_null(r.pearson)},
                     {"kendall", num_or_null(r.kendall)}};
      }
    }

    if (!a->plot_path.empty()) {
      std::vector<std::string> xl;
      for (int c = 0; c < n_ckpt; ++c) xl.push_back(std::to_string(c));
      std::vector<plot_series> series;
      for (const auto& key : metric_keys(with_labels)) {
        plot_series s{key, {}, false};
        bool any = false;
        for (const auto& row : rows) {
          const auto& v = row[key];
          s.values.push_back(v.is_number() ? v.get<double>() : NAN);
          any = any || v.is_number();
        }
        if (any) series.push_back(std::move(s));
      }
      if (!lp.empty()) series.push_back({"lp_accuracy", lp, true});
      std::ofstream out(a->plot_path);
      if (!out) throw io_error(detail::cat("cannot write --plot file ", a->plot_path));
      out << svg_plot("embed-metrics track: metrics (scaled) by checkpoint", xl, series);
      if (!out.flush()) throw io_error(detail::cat("failed writing --plot file ", a->plot_path));
    }

    if (common.format == "json") {
      json out;
      out["checkpoints"] = rows;
      out["reference"] = have_ref ? json(ref_key) : json(nullptr);
      out["skip_first"] = a->skip_first;
      out["correlations"] = corr;
      std::cout << out.dump(2) << '\n';
    } else if (common.format == "csv") {
      print_records(std::cout, rows, "csv");
    } else {
      std::vector<json> table;
      for (auto row : rows) {
        row["path"] = base_name(row["path"].get<std::string>());
        row.erase("device");
        row.erase("n");
        row.erase("d");
        table.push_back(std::move(row));
      }
      print_records(std::cout, table, "table");
      if (!corr.empty()) {
        std::cout << "\nCorrelation with " << ref_key;
        if (first > 0) std::cout << " (first " << first << " checkpoints left out)";
        std::cout << ":\n";
        std::vector<json> ct;
        for (auto& [k, v] : corr.items()) {
          json r;
          r["metric"] = k;
          r["spearman"] = v["spearman"];
          r["pearson"] = v["pearson"];
          r["kendall"] = v["kendall"];
          ct.push_back(std::move(r));
        }
        print_records(std::cout, ct, "table");
      }
      if (a->opts.explain) print_explanations(std::cout, metric_keys(with_labels));
    }
    return 0;
  };
}

const registrar reg{{"track", "The report for many checkpoints and its correlation with LP accuracy",
                     setup, 20}};

}  // namespace
}  // namespace embed_metrics::cli
