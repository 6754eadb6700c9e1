#pragma once
/// @file report.hpp
/// @brief The label-free report of "Label-free Monitoring of Self-Supervised
/// Learning Progress" (Xu, Lowe, Trappenberg): two k-means runs C1, C2 (seeds
/// s and s+1, one batched call; or N such pairs), silhouette of C1, agreement AMI/ARI(C1; C2),
/// entropy and spectrum of the embeddings; with labels, AMI/ARI(C1; labels)
/// and the leave-one-out kNN classifier accuracy. The list of its metrics is
/// the registry of report_metrics.hpp.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "embed_metrics/distance_metric.hpp"
#include "embed_metrics/export.hpp"
#include "embed_metrics/matrix.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics {

/// @brief Parameters of the report.
struct report_params {
  std::int64_t k = 0;             ///< clusters; 0 = number of distinct labels (labels required then)
  std::uint64_t seed = 0;         ///< C1 uses seed, C2 seed + 1
  /// Seed pairs of the seed-dependent metrics (report_metric::seed_dependent):
  /// pair i is C1, C2 = seeds seed + 2i, seed + 2i + 1, all 2 * seeds runs in
  /// one batched k-means call; each such metric is the mean over the pairs, its
  /// standard deviation in report_result::seed_std when seeds > 1.
  int seeds = 1;
  /// euclidean or cosine (k-means, silhouette and the kNN accuracy);
  /// sqeuclidean is refused (k-means has no such geometry).
  distance_metric metric = distance_metric::euclidean;
  bool normalize = false;         ///< L2-normalise rows first
  int kmeans_max_iter = 300;      ///< Lloyd iterations at most
  int knn_entropy_k = 3;          ///< neighbours of the Kozachenko-Leonenko estimator
  int knn_classifier_k = 20;      ///< neighbours of the kNN accuracy (labels only)
  bool clustering = true;         ///< compute k-means, silhouette and agreement
  bool entropy = true;            ///< compute kNN and Gaussian entropy
  bool spectrum = true;           ///< compute the effective rank
  /// Also compute the eigenvalues of the sample covariance
  /// (report_result::covariance_spectrum): the picture of dimensional
  /// collapse. Off by default: it costs another O(n d^2 + d^3).
  bool covariance_spectrum = false;
  /// A second view of the same images (row i of both is one image), for
  /// the alignment; an empty view means none (alignment not computed).
  matrix_view views;
  /// The source image of each row (its augmented views share the id), for
  /// LiDAR; an empty view means none (LiDAR not computed).
  label_view groups;
  /// Called between steps with (step name, steps done, steps in all); may
  /// throw (for example embed_metrics::interrupted) to stop.
  std::function<void(const std::string&, int, int)> progress;
};

/// @brief The report's figures; a part not computed is std::nullopt.
struct report_result {
  std::int64_t n = 0;                        ///< rows
  std::int64_t d = 0;                        ///< dimensions
  std::int64_t k = 0;                        ///< clusters used
  // The seed-dependent ones (silhouette, AMI/ARI, inertia) are means over
  // the report_params::seeds pairs (the one pair s, s + 1 by default).
  std::optional<double> silhouette;          ///< S1: silhouette of C1 (exact)
  std::optional<double> ami_c1_c2;           ///< AMI between the two k-means runs
  std::optional<double> ari_c1_c2;           ///< ARI between the two k-means runs
  std::optional<double> inertia;             ///< k-means inertia of C1
  std::optional<double> knn_entropy;         ///< Kozachenko-Leonenko entropy, nats
  std::optional<double> gaussian_entropy;    ///< Gaussian entropy, nats
  std::optional<double> effective_rank;      ///< RankMe
  std::optional<double> ami_c1_gt;           ///< AMI of C1 against the labels
  std::optional<double> ari_c1_gt;           ///< ARI of C1 against the labels
  std::optional<double> knn_accuracy;        ///< leave-one-out kNN classifier accuracy
  /// Points in each cluster of C1 (index = cluster id); empty when no
  /// clustering ran. A degenerate clustering shows as one dominant size.
  std::vector<std::int64_t> cluster_sizes;
  /// Eigenvalues of the sample covariance (ddof = 1), largest first, the
  /// min(n - 1, d) that can be non-zero, round-off negatives clamped to 0;
  /// empty unless report_params::covariance_spectrum.
  std::vector<double> covariance_spectrum;
  /// The metrics of report_metrics() that have no field above, by key;
  /// std::nullopt where one is undefined (its reason in undefined_reasons).
  std::map<std::string, std::optional<double>, std::less<>> values;
  /// Why a metric is std::nullopt although its step ran, by key.
  std::map<std::string, std::string, std::less<>> undefined_reasons;
  /// With report_params::seeds > 1: each seed-dependent metric's standard
  /// deviation over the seed pairs (ddof = 1), by key; empty otherwise.
  std::map<std::string, double, std::less<>> seed_std;
  int seeds = 1;                             ///< seed pairs the seed-dependent metrics average
  std::string device;                        ///< where it ran ("cpu", "cuda:0")
  double seconds = 0.0;                      ///< wall time
};

/// @brief Compute the report for @p embeddings (host or device memory).
/// @param labels optional ground-truth labels, one per row (empty view = none).
[[nodiscard]] EMBED_METRICS_API report_result evaluate(const resources& res, matrix_view embeddings,
                                     label_view labels = {}, const report_params& params = {});

}  // namespace embed_metrics
