#pragma once
/// @file distance_metric.hpp
/// @brief The one distance enum of the library: k-means, kNN, silhouette and
/// the report all take a distance_metric (silhouette_metric, knn_metric and
/// kmeans_metric are its older names). A function that cannot use one of its
/// values refuses it, naming the function and the values it takes.

#include <string_view>

namespace embed_metrics {

/// @brief The distance between two rows.
enum class distance_metric {
  euclidean,    ///< ||x - y||; for k-means, classic squared-Euclidean Lloyd
  cosine,       ///< 1 - x.y / (||x|| ||y||); for k-means, spherical (centres renormalised)
  sqeuclidean,  ///< ||x - y||^2 (silhouette only; k-means, kNN and the report refuse it)
};

/// @brief "euclidean", "cosine" or "sqeuclidean".
[[nodiscard]] std::string_view to_string(distance_metric m) noexcept;

/// @brief The metric named @p name ("euclidean", "cosine", "sqeuclidean");
/// throws invalid_argument naming it and the accepted names otherwise.
[[nodiscard]] distance_metric parse_distance_metric(std::string_view name);

}  // namespace embed_metrics
