#include "cli/report_output.hpp"

#include <optional>
#include <ostream>

#include "embed_metrics/report_metrics.hpp"

namespace embed_metrics::cli {
namespace {

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

bool shown(const report_metric& m, bool with_labels) { return with_labels || !m.needs_labels; }

}  // namespace

std::vector<std::string> metric_keys(bool with_labels) {
  std::vector<std::string> keys;
  for (const auto& m : report_metrics())
    if (shown(m, with_labels)) keys.emplace_back(m.key);
  return keys;
}

json report_json(const report_result& r, bool with_labels) {
  json j;
  j["n"] = r.n;
  j["d"] = r.d;
  j["k"] = r.k;
  if (r.seeds > 1) j["seeds"] = r.seeds;
  for (const auto& m : report_metrics()) {
    if (!shown(m, with_labels)) continue;
    const std::string key(m.key);
    j[key] = opt(metric_value(r, m.key));
    if (const auto it = r.seed_std.find(m.key); it != r.seed_std.end())
      j[spread_key(m.key)] = it->second;
    if (const auto it = r.undefined_reasons.find(m.key); it != r.undefined_reasons.end())
      j[key + "_reason"] = it->second;
  }
  j["device"] = r.device;
  j["seconds"] = r.seconds;
  return j;
}

std::string metric_unit(const std::string& key) {
  if (const auto* m = find_report_metric(key)) return std::string(m->unit);
  if (key == "lp_accuracy") return "accuracy";  // a column of the logs, not a report metric
  return {};
}

bool is_spread_column(const std::string& key) {
  const std::string suffix = spread_key("");
  return key.size() > suffix.size() &&
         key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0 &&
         find_report_metric(key.substr(0, key.size() - suffix.size())) != nullptr;
}

std::string metric_explanation(const std::string& key) {
  const report_metric* m = find_report_metric(key);
  if (m == nullptr) return {};
  return std::string(m->meaning) + " Source: " + std::string(m->source) + ".";
}

void print_explanations(std::ostream& os, bool with_labels) {
  os << "\nWhat the metrics mean:\n";
  for (const auto& m : report_metrics())
    if (shown(m, with_labels))
      os << "  " << m.key << ": " << metric_explanation(std::string(m.key)) << '\n';
}

}  // namespace embed_metrics::cli
