#include "cli/report_output.hpp"

#include <algorithm>
#include <optional>
#include <ostream>

namespace embed_metrics::cli {
namespace {

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

}  // namespace

std::vector<std::string> metric_keys(bool with_labels) {
  std::vector<std::string> keys{"silhouette", "ami_c1_c2", "ari_c1_c2", "knn_entropy",
                                "gaussian_entropy", "effective_rank", "inertia"};
  if (with_labels) keys.insert(keys.end(), {"ami_c1_gt", "ari_c1_gt", "knn_accuracy"});
  return keys;
}

json report_json(const report_result& r, bool with_labels) {
  json j;
  j["n"] = r.n;
  j["d"] = r.d;
  j["k"] = r.k;
  j["silhouette"] = opt(r.silhouette);
  j["ami_c1_c2"] = opt(r.ami_c1_c2);
  j["ari_c1_c2"] = opt(r.ari_c1_c2);
  j["knn_entropy"] = opt(r.knn_entropy);
  j["gaussian_entropy"] = opt(r.gaussian_entropy);
  j["effective_rank"] = opt(r.effective_rank);
  j["inertia"] = opt(r.inertia);
  if (with_labels) {
    j["ami_c1_gt"] = opt(r.ami_c1_gt);
    j["ari_c1_gt"] = opt(r.ari_c1_gt);
    j["knn_accuracy"] = opt(r.knn_accuracy);
  }
  j["device"] = r.device;
  j["seconds"] = r.seconds;
  return j;
}

std::string metric_unit(const std::string& key) {
  static const std::vector<std::pair<std::string, std::string>> kUnits{
      {"silhouette", "score"},         {"ami_c1_c2", "score"},       {"ari_c1_c2", "score"},
      {"knn_entropy", "nats"},         {"gaussian_entropy", "nats"}, {"effective_rank", "dims"},
      {"inertia", "sum of sq. dist."}, {"ami_c1_gt", "score"},       {"ari_c1_gt", "score"},
      {"knn_accuracy", "fraction"},    {"lp_accuracy", "accuracy"}};
  for (const auto& [k, u] : kUnits)
    if (k == key) return u;
  return {};
}

const std::vector<std::pair<std::string, std::string>>& metric_explanations() {
  static const std::vector<std::pair<std::string, std::string>> kText{
      {"silhouette", "S1: how well separated the k-means clusters C1 are, in [-1, 1]; higher is "
                     "better. Tracked linear-probe accuracy for SimCLR and MoCo-v2, not SimSiam."},
      {"ami_c1_c2", "agreement of two k-means runs (seeds s, s+1), adjusted for chance, in [~0, 1]: "
                    "how stable the clusters are. Tracks LP accuracy like S1; compare models of "
                    "one architecture only."},
      {"ari_c1_c2", "the same agreement as a pair-counting score (adjusted Rand index)."},
      {"knn_entropy", "Kozachenko-Leonenko kNN estimate of the differential entropy H(Z), nats. "
                      "Noisy early in training, more reliable later; may compare architectures."},
      {"gaussian_entropy", "entropy of a Gaussian with the embeddings' covariance, nats: an upper "
                           "bound on H(Z) for that covariance."},
      {"effective_rank", "RankMe: exp of the entropy of the normalised singular values; how many "
                         "dimensions the embeddings really use (collapse shows as a drop)."},
      {"inertia", "k-means objective of C1: sum of squared distances to the centres (lower = "
                  "tighter clusters; scales with the data)."},
      {"ami_c1_gt", "agreement of C1 with the given labels, adjusted for chance (needs labels)."},
      {"ari_c1_gt", "adjusted Rand index of C1 against the given labels (needs labels)."},
      {"knn_accuracy", "leave-one-out 20-NN classifier accuracy on the labels: a cheap stand-in "
                       "for a linear probe (needs labels)."},
  };
  return kText;
}

void print_explanations(std::ostream& os, const std::vector<std::string>& keys) {
  os << "\nWhat the metrics mean:\n";
  for (const auto& [key, text] : metric_explanations())
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) os << "  " << key << ": " << text << '\n';
}

}  // namespace embed_metrics::cli
