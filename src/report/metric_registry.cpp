// The registry of the report: its steps and its metrics, in output order.
// Adding a metric to the report is one entry in kMetrics and, when no step
// computes it yet, one step in kSteps (see docs/adding-a-metric.md).

#include "report/metric_registry.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "core/check.hpp"
#include "embed_metrics/agreement.hpp"
#include "embed_metrics/cluster_scores.hpp"
#include "embed_metrics/entropy.hpp"
#include "embed_metrics/kmeans.hpp"
#include "embed_metrics/knn.hpp"
#include "embed_metrics/report_metrics.hpp"
#include "embed_metrics/silhouette.hpp"
#include "embed_metrics/spectrum_metrics.hpp"
#include "embed_metrics/uniformity.hpp"
#include "metrics/entropy_common.hpp"
#include "metrics/spectrum_common.hpp"

namespace embed_metrics {
namespace {

constexpr std::string_view kKmeansStep = "k-means (C1 and C2, one batched call)";
constexpr std::string_view kSilhouetteStep = "silhouette of C1 (exact)";
constexpr std::string_view kKnnEntropyStep = "kNN entropy";
constexpr std::string_view kGaussianStep = "Gaussian entropy";
constexpr std::string_view kRankStep = "effective rank";
constexpr std::string_view kSpectrumStep = "covariance spectrum";
constexpr std::string_view kLabelAgreementStep = "agreement of C1 with the labels";
constexpr std::string_view kKnnAccuracyStep = "kNN classifier accuracy";
constexpr std::string_view kClusterScoresStep = "Davies-Bouldin and Calinski-Harabasz of C1";
constexpr std::string_view kUniformityStep = "uniformity (all pairs)";
constexpr std::string_view kCollapseStep = "collapse std";
constexpr std::string_view kAlignmentStep = "alignment of the two views";
constexpr std::string_view kLidarStep = "LiDAR of the view groups";

// A registry entry: the public description and where the value lives (a
// report_result field, or report_result::values when field is null).
struct entry {
  report_metric info;
  std::optional<double> report_result::*field;
};

const std::vector<entry>& entries() {
  static const std::vector<entry> kMetrics{
      {{"silhouette", "score",
        "S1: how well separated the k-means clusters C1 are, in [-1, 1]; higher is better. "
        "Tracked linear-probe accuracy for SimCLR and MoCo-v2, not SimSiam.",
        "Rousseeuw (1987), exact over all pairs; as a monitor: Xu, Lowe, Trappenberg (2022)",
        false, true, kSilhouetteStep},
       &report_result::silhouette},
      {{"ami_c1_c2", "score",
        "agreement of two k-means runs (seeds s, s+1), adjusted for chance, in [~0, 1]: how stable "
        "the clusters are. Tracks LP accuracy like S1; compare models of one architecture only.",
        "Vinh, Epps, Bailey (2010) AMI; as a monitor: Xu, Lowe, Trappenberg (2022)", false, true,
        kKmeansStep},
       &report_result::ami_c1_c2},
      {{"ari_c1_c2", "score", "the same agreement as a pair-counting score (adjusted Rand index).",
        "Hubert, Arabie (1985)", false, true, kKmeansStep},
       &report_result::ari_c1_c2},
      {{"knn_entropy", "nats",
        "Kozachenko-Leonenko kNN estimate of the differential entropy H(Z), nats. Noisy early in "
        "training, more reliable later; may compare architectures.",
        "Kozachenko, Leonenko (1987); as a monitor: Xu, Lowe, Trappenberg (2022)", false, false,
        kKnnEntropyStep},
       &report_result::knn_entropy},
      {{"gaussian_entropy", "nats",
        "entropy of a Gaussian with the embeddings' covariance, nats: an upper bound on H(Z) for "
        "that covariance.",
        "0.5 log det(2 pi e Sigma) (Cover, Thomas, Elements of Information Theory)", false, false,
        kGaussianStep},
       &report_result::gaussian_entropy},
      {{"effective_rank", "dims",
        "RankMe: exp of the entropy of the normalised singular values; how many dimensions the "
        "embeddings really use (collapse shows as a drop).",
        "Roy, Vetterli (2007); RankMe: Garrido et al. (2023)", false, false, kRankStep},
       &report_result::effective_rank},
      {{"inertia", "sum of sq. dist.",
        "k-means objective of C1: sum of squared distances to the centres (lower = tighter "
        "clusters; scales with the data).",
        "Lloyd (1982) with k-means++ seeding (Arthur, Vassilvitskii 2007)", false, true, kKmeansStep},
       &report_result::inertia},
      {{"davies_bouldin", "score",
        "Davies-Bouldin index of C1: mean over clusters of the worst (s_i + s_j) / |c_i - c_j|; "
        "lower is better. Moves with the k-means seed like S1.",
        "Davies, Bouldin (1979); scikit-learn davies_bouldin_score; logged beside S1 by Lowe et al. (2024)",
        false, true, kClusterScoresStep},
       nullptr},
      {{"calinski_harabasz", "score",
        "Calinski-Harabasz index of C1: between- over within-cluster dispersion, each per degree "
        "of freedom; higher is better. Scales with n; compare runs of one data set.",
        "Calinski, Harabasz (1974); scikit-learn calinski_harabasz_score", false, true,
        kClusterScoresStep},
       nullptr},
      {{"uniformity", "log",
        "log of the mean over all pairs of exp(-2 |z_i - z_j|^2) of the L2-normalised rows, exact; "
        "lower is more uniform on the sphere, 0 when collapsed to one point.",
        "Wang, Isola (2020), arXiv 2005.10242 (t = 2)", false, false, kUniformityStep},
       nullptr},
      {{"alpha_req", "exponent",
        "alpha of the power law lambda_i ~ i^-alpha fitted in log-log to the covariance "
        "eigenvalues above 1e-10 of the largest; good probes fall in a band near 1, no single "
        "direction is better.",
        "Agrawal et al. (NeurIPS 2022), alpha-ReQ", false, false, kSpectrumStep},
       nullptr},
      {{"nesum", "dims",
        "NESum: sum of the covariance eigenvalues over the largest; 1 when collapsed to one "
        "direction, up to min(n - 1, d) when white.",
        "He, Ozay (2022)", false, false, kSpectrumStep},
       nullptr},
      {{"collapse_sd", "std",
        "mean over dimensions of the std of the L2-normalised rows: about 1/sqrt(d) when spread, "
        "0 when collapsed.",
        "Chen, He (2021), SimSiam's collapse monitor", false, false, kCollapseStep},
       nullptr},
      {{"alignment", "sq. dist.",
        "mean over images of |z_a - z_b|^2 of the L2-normalised embeddings of two views (--views); "
        "lower is better aligned, in [0, 4].",
        "Wang, Isola (2020), arXiv 2005.10242 (alpha = 2)", false, false, kAlignmentStep},
       nullptr},
      {{"lidar", "dims",
        "LiDAR: effective rank of Sw^-1/2 Sb Sw^-1/2 with each source image's views (--groups) "
        "as a class, Sw + 1e-4 I; higher means more linearly separable images.",
        "Thilak et al. (2023), arXiv 2312.04000", false, false, kLidarStep},
       nullptr},
      {{"ami_c1_gt", "score",
        "agreement of C1 with the given labels, adjusted for chance (needs labels).",
        "Vinh, Epps, Bailey (2010)", true, true, kLabelAgreementStep},
       &report_result::ami_c1_gt},
      {{"ari_c1_gt", "score", "adjusted Rand index of C1 against the given labels (needs labels).",
        "Hubert, Arabie (1985)", true, true, kLabelAgreementStep},
       &report_result::ari_c1_gt},
      {{"knn_accuracy", "fraction",
        "leave-one-out 20-NN classifier accuracy on the labels: a cheap stand-in for a linear "
        "probe (needs labels).",
        "majority vote of the k nearest neighbours (Cover, Hart 1967)", true, false,
        kKnnAccuracyStep},
       &report_result::knn_accuracy},
  };
  return kMetrics;
}

const entry& entry_of(std::string_view key) {
  for (const auto& e : entries())
    if (e.info.key == key) return e;
  throw invalid_argument(detail::cat("report metric '", key,
                                     "' is not in the registry (src/report/metric_registry.cpp)"));
}

// ---- the steps ----------------------------------------------------------

bool with_labels_only(const report_params&, bool labels) { return labels; }

// The AMI and ARI of each C1 against @p other(i) (its C2, or the labels).
template <class F>
void set_agreement(detail::report_context& ctx, F&& other, std::string_view ami_key,
                   std::string_view ari_key) {
  agreement_params ap;
  ap.accuracy = false;
  std::vector<double> ami, ari;
  for (std::size_t i = 0; i < ctx.c1.size(); ++i) {
    const auto a = agreement(ctx.res, label_view(ctx.c1[i]), other(i), ap);
    ami.push_back(a.ami);
    ari.push_back(a.ari);
  }
  ctx.set(ami_key, ami);
  ctx.set(ari_key, ari);
}

// The value of @p score for the C1 of each seed pair.
template <class F>
std::vector<double> per_pair(const detail::report_context& ctx, F&& score) {
  std::vector<double> v;
  for (const auto& c1 : ctx.c1) v.push_back(score(label_view(c1)));
  return v;
}

// C1 and C2 of every seed pair in one batched call; the agreement of each pair.
void run_kmeans(detail::report_context& ctx) {
  const auto& p = ctx.params;
  report_result& r = ctx.result;
  kmeans_params kp;
  kp.k = r.k;
  kp.max_iter = p.kmeans_max_iter;
  kp.metric = p.metric;
  std::vector<std::uint64_t> seeds;
  for (int i = 0; i < 2 * p.seeds; ++i) seeds.push_back(p.seed + static_cast<std::uint64_t>(i));
  auto runs = kmeans_batch(ctx.res, ctx.x, kp, seeds);
  std::vector<double> inertia;
  for (int i = 0; i < p.seeds; ++i) {
    auto& first = runs[static_cast<std::size_t>(2 * i)];
    inertia.push_back(first.inertia);
    ctx.c1.push_back(std::move(first.labels));
    ctx.c2.push_back(std::move(runs[static_cast<std::size_t>(2 * i + 1)].labels));
  }
  if (!p.clustering) return;  // C1 is there for the label checks only
  r.cluster_sizes.assign(static_cast<std::size_t>(r.k), 0);
  for (const std::int64_t c : ctx.c1.front()) ++r.cluster_sizes[static_cast<std::size_t>(c)];
  ctx.set("inertia", inertia);
  set_agreement(ctx, [&](std::size_t i) { return label_view(ctx.c2[i]); }, "ami_c1_c2", "ari_c1_c2");
}

void run_silhouette(detail::report_context& ctx) {
  silhouette_params sp;
  sp.metric = ctx.params.metric;
  sp.per_sample = false;
  ctx.set("silhouette",
          per_pair(ctx, [&](label_view c1) { return silhouette(ctx.res, ctx.x, c1, sp).score; }));
}

void run_knn_entropy(detail::report_context& ctx) {
  knn_entropy_params kp;
  kp.k = ctx.params.knn_entropy_k;
  ctx.set("knn_entropy", knn_entropy(ctx.res, ctx.x, kp).entropy);
}

// The Gaussian entropy, RankMe and the spectrum metrics share one
// second-moment pass (report_context::moments): the covariance eigenvalues
// serve the first and the last, the uncentred Gram's the effective rank.
void run_gaussian(detail::report_context& ctx) {
  ctx.set("gaussian_entropy",
          detail::gaussian_entropy_from_eigenvalues(ctx.moments().covariance_eigenvalues(), {}).entropy);
}

void run_rank(detail::report_context& ctx) {
  ctx.set("effective_rank", detail::effective_rank_from_gram_eigenvalues(
                                ctx.moments().gram_eigenvalues(), effective_rank_params{}.rel_tol)
                                .effective_rank);
}

void run_spectrum(detail::report_context& ctx) {
  detail::second_moments& m = ctx.moments();
  spectrum_metrics_result s =
      detail::spectrum_metrics_from_eigenvalues(m.covariance_eigenvalues(), m.rows(), m.cols(), {});
  if (s.alpha_req_undefined.empty()) ctx.set("alpha_req", s.alpha_req);
  else ctx.set_undefined("alpha_req", s.alpha_req_undefined);
  if (s.nesum_undefined.empty()) ctx.set("nesum", s.nesum);
  else ctx.set_undefined("nesum", s.nesum_undefined);
  if (ctx.params.covariance_spectrum) ctx.result.covariance_spectrum = std::move(s.spectrum);
}

// A metric that does not exist for these data is null with its reason; the
// other metrics of the checkpoint go on. @p compute gives one value, or one
// per seed pair.
template <class F>
void set_or_undefined(detail::report_context& ctx, std::string_view key, F&& compute) {
  try {
    ctx.set(key, compute());
  } catch (const metric_undefined& e) {
    ctx.set_undefined(key, e.what());
  }
}

void run_cluster_scores(detail::report_context& ctx) {
  set_or_undefined(ctx, "davies_bouldin", [&] {
    return per_pair(ctx, [&](label_view c1) { return davies_bouldin(ctx.res, ctx.x, c1).score; });
  });
  set_or_undefined(ctx, "calinski_harabasz", [&] {
    return per_pair(ctx, [&](label_view c1) { return calinski_harabasz(ctx.res, ctx.x, c1).score; });
  });
}

void run_uniformity(detail::report_context& ctx) {
  set_or_undefined(ctx, "uniformity", [&] { return uniformity(ctx.res, ctx.x).uniformity; });
}

void run_collapse(detail::report_context& ctx) {
  set_or_undefined(ctx, "collapse_sd", [&] { return collapse_std(ctx.res, ctx.x).collapse_std; });
}

void run_alignment(detail::report_context& ctx) {
  if (ctx.params.views.rows == 0) {
    ctx.set_undefined("alignment", "no second view of the images was given (--views B)");
    return;
  }
  set_or_undefined(ctx, "alignment", [&] { return alignment(ctx.res, ctx.x, ctx.params.views).alignment; });
}

void run_lidar(detail::report_context& ctx) {
  if (ctx.params.groups.size == 0) {
    ctx.set_undefined("lidar", "no group ids of the views were given (--groups G)");
    return;
  }
  set_or_undefined(ctx, "lidar", [&] { return lidar(ctx.res, ctx.x, ctx.params.groups).lidar; });
}

void run_label_agreement(detail::report_context& ctx) {
  set_agreement(ctx, [&](std::size_t) { return ctx.labels; }, "ami_c1_gt", "ari_c1_gt");
}

void run_knn_accuracy(detail::report_context& ctx) {
  const std::int64_t kk = std::min<std::int64_t>(ctx.params.knn_classifier_k, ctx.result.n - 1);
  ctx.set("knn_accuracy", knn_accuracy(ctx.res, ctx.x, ctx.labels, kk, ctx.params.metric));
}

}  // namespace

namespace detail {

const std::vector<report_step>& report_steps() {
  static const std::vector<report_step> kSteps{
      {kKmeansStep, [](const report_params& p, bool labels) { return p.clustering || labels; },
       run_kmeans},
      {kSilhouetteStep, [](const report_params& p, bool) { return p.clustering; }, run_silhouette},
      {kKnnEntropyStep, [](const report_params& p, bool) { return p.entropy; }, run_knn_entropy},
      {kGaussianStep, [](const report_params& p, bool) { return p.entropy; }, run_gaussian},
      {kRankStep, [](const report_params& p, bool) { return p.spectrum; }, run_rank},
      {kSpectrumStep, [](const report_params& p, bool) { return p.spectrum || p.covariance_spectrum; },
       run_spectrum},
      {kClusterScoresStep, [](const report_params& p, bool) { return p.clustering; }, run_cluster_scores},
      {kUniformityStep, [](const report_params& p, bool) { return p.entropy; }, run_uniformity},
      {kCollapseStep, [](const report_params& p, bool) { return p.spectrum; }, run_collapse},
      {kAlignmentStep, [](const report_params&, bool) { return true; }, run_alignment},
      {kLidarStep, [](const report_params&, bool) { return true; }, run_lidar},
      {kLabelAgreementStep, with_labels_only, run_label_agreement},
      {kKnnAccuracyStep, with_labels_only, run_knn_accuracy},
  };
  return kSteps;
}

second_moments& report_context::moments() {
  if (!shared_moments) shared_moments.emplace(res, x);
  return *shared_moments;
}

void report_context::set(std::string_view key, std::optional<double> value) const {
  const entry& e = entry_of(key);
  if (e.field != nullptr)
    result.*e.field = value;
  else
    result.values[std::string(key)] = value;
}

void report_context::set(std::string_view key, const std::vector<double>& per_pair) const {
  EM_EXPECTS(!per_pair.empty(), "report metric ", key, ": no seed pair gave a value");
  const double mean =
      std::accumulate(per_pair.begin(), per_pair.end(), 0.0) / static_cast<double>(per_pair.size());
  set(key, mean);
  if (per_pair.size() < 2) return;
  double sq = 0.0;
  for (const double v : per_pair) sq += (v - mean) * (v - mean);
  result.seed_std[std::string(key)] = std::sqrt(sq / static_cast<double>(per_pair.size() - 1));
}

void report_context::set_undefined(std::string_view key, std::string reason) const {
  set(key, std::nullopt);
  result.undefined_reasons[std::string(key)] = std::move(reason);
}

}  // namespace detail

const std::vector<report_metric>& report_metrics() {
  static const std::vector<report_metric> kInfo = [] {
    std::vector<report_metric> v;
    for (const auto& e : entries()) v.push_back(e.info);
    return v;
  }();
  return kInfo;
}

const report_metric* find_report_metric(std::string_view key) {
  for (const auto& m : report_metrics())
    if (m.key == key) return &m;
  return nullptr;
}

std::optional<double> metric_value(const report_result& r, std::string_view key) {
  const entry& e = entry_of(key);
  if (e.field != nullptr) return r.*e.field;
  const auto it = r.values.find(key);
  return it == r.values.end() ? std::nullopt : it->second;
}

std::string spread_key(std::string_view key) { return std::string(key) + "_std"; }

}  // namespace embed_metrics
