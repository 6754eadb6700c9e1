#include "embed_metrics/distance_metric.hpp"

#include "core/check.hpp"
#include "embed_metrics/error.hpp"

namespace embed_metrics {

std::string_view to_string(distance_metric m) noexcept {
  switch (m) {
    case distance_metric::euclidean: return "euclidean";
    case distance_metric::cosine: return "cosine";
    case distance_metric::sqeuclidean: return "sqeuclidean";
  }
  return "euclidean";
}

distance_metric parse_distance_metric(std::string_view name) {
  if (name == "euclidean") return distance_metric::euclidean;
  if (name == "cosine") return distance_metric::cosine;
  if (name == "sqeuclidean") return distance_metric::sqeuclidean;
  throw invalid_argument(
      detail::cat("unknown distance metric '", name, "': use euclidean, cosine or sqeuclidean"));
}

}  // namespace embed_metrics
