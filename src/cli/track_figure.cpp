#include "cli/track_figure.hpp"

#include <algorithm>
#include <cmath>

#include "cli/report_output.hpp"

namespace embed_metrics::cli {
namespace {

std::vector<double> column(const std::vector<json>& rows, const std::string& key) {
  std::vector<double> v;
  for (const auto& r : rows) {
    const auto it = r.find(key);
    v.push_back(it != r.end() && it->is_number() ? it->get<double>() : NAN);
  }
  return v;
}

std::string title_case(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace

std::vector<std::string> plotted_metrics(const std::vector<json>& rows,
                                         const std::string& reference_key) {
  static const std::vector<std::string> kBookkeeping{
      "step", "epoch", "n", "d", "k", "seeds", "seconds", "path", "device", "train_seconds"};
  std::vector<std::string> keys;
  for (const auto& r : rows)
    for (auto it = r.begin(); it != r.end(); ++it) {
      const std::string& k = it.key();
      if (!it->is_number() || k == reference_key || is_spread_column(k)) continue;
      if (std::find(kBookkeeping.begin(), kBookkeeping.end(), k) != kBookkeeping.end()) continue;
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    }
  return keys;
}

small_multiples track_figure(const std::string& title, const std::vector<std::string>& x_labels,
                             const std::vector<json>& rows, const std::vector<std::string>& metrics,
                             const std::string& reference_key, const json& correlations,
                             const std::string& chosen, int skip_first) {
  small_multiples fig;
  fig.title = title;
  fig.x_labels = x_labels;
  fig.skip_first = skip_first;
  for (const auto& key : metrics) {
    fig.metrics.push_back({key, metric_unit(key), column(rows, key), {}});
    const auto spread = column(rows, key + "_std");
    if (std::any_of(spread.begin(), spread.end(), [](double v) { return std::isfinite(v); }))
      fig.metrics.back().spread = spread;
    std::vector<panel_correlation> cs;
    if (correlations.contains(key)) {
      const auto& c = correlations[key];
      auto value = [&](const std::string& m) {
        return c.contains(m) && c[m].is_number() ? c[m].get<double>() : NAN;
      };
      cs.push_back({"Spearman", value("spearman")});
      if (chosen != "spearman") cs.push_back({title_case(chosen), value(chosen)});
    }
    fig.correlations.push_back(std::move(cs));
  }
  if (!reference_key.empty())
    fig.reference = {reference_key, metric_unit(reference_key), column(rows, reference_key), {}};
  return fig;
}

std::string interval_text(const json& ci) {
  if (!ci.is_array() || ci.size() != 2 || !ci[0].is_number() || !ci[1].is_number()) return "n/a";
  return printed("[%+.2f, %+.2f]", ci[0].get<double>(), ci[1].get<double>());
}

}  // namespace embed_metrics::cli
