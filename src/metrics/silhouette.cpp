#include "embed_metrics/silhouette.hpp"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include "backend/backend.hpp"
#include "core/check.hpp"
#include "core/validate.hpp"
#include "metrics/silhouette_plan.hpp"

namespace embed_metrics {
namespace {

void check_inputs(const resources& res, matrix_view x, label_view labels, const char* fn) {
  detail::check_matrix(x, "embeddings");
  detail::check_labels(labels, "labels");
  detail::check_same_rows(x, labels, "embeddings", "labels");
  EM_EXPECTS(x.cols > 0, fn, ": the embeddings have no columns");
  if (!res.is_cuda()) {
    detail::check_host(x, "embeddings", res);
    detail::check_host(labels, "labels", res);
  }
  detail::check_finite(x, "embeddings");
}

// Labels in host memory (copied from the device where needed).
std::vector<std::int64_t> host_labels(const resources& res, label_view labels) {
  return detail::backend_for(res).rows->labels_on_host(res, labels, "labels");
}

// The checked inputs of @p fn, planned over every row.
detail::silhouette_plan plan_all(const resources& res, matrix_view x, label_view labels,
                                 const char* fn) {
  check_inputs(res, x, labels, fn);
  const std::vector<std::int64_t> l = host_labels(res, labels);
  return detail::make_silhouette_plan(l.data(), x.rows);
}

silhouette_result exact_on_plan(const resources& res, matrix_view x,
                                const detail::silhouette_plan& plan,
                                const silhouette_params& params) {
  std::vector<double> own;
  std::vector<double> b;
  detail::backend_for(res).silhouette->sums(res, x, plan, params.metric, own, b);
  for (std::int64_t p = 0; p < plan.n; ++p) {
    const std::int64_t size = plan.size_of(plan.cluster[static_cast<std::size_t>(p)]);
    if (size > 1) own[static_cast<std::size_t>(p)] /= static_cast<double>(size - 1);
  }
  return detail::finish_silhouette(plan, own, b, params.per_sample);
}

// Counter-based generator (SplitMix64) and an unbiased integer in [0, bound).
struct splitmix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t bound) {
    // Reject the top 2^64 mod bound values so that every residue is equally likely.
    const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % bound + 1) % bound;
    for (;;) {
      const std::uint64_t r = next();
      if (r <= limit) return r % bound;
    }
  }
};

}  // namespace

silhouette_metric parse_silhouette_metric(std::string_view name) {
  if (name == "euclidean") return silhouette_metric::euclidean;
  if (name == "cosine") return silhouette_metric::cosine;
  if (name == "sqeuclidean") return silhouette_metric::sqeuclidean;
  throw invalid_argument(detail::cat("unknown silhouette metric '", name,
                                     "': use euclidean, cosine or sqeuclidean"));
}

silhouette_result silhouette(const resources& res, matrix_view x, label_view labels,
                             const silhouette_params& params) {
  return exact_on_plan(res, x, plan_all(res, x, labels, "silhouette"), params);
}

silhouette_result silhouette_sampled(const resources& res, matrix_view x, label_view labels,
                                     std::int64_t sample_size, std::uint64_t seed,
                                     const silhouette_params& params) {
  check_inputs(res, x, labels, "silhouette_sampled");
  const std::int64_t n = x.rows;
  EM_EXPECTS(sample_size >= 2 && sample_size <= n, "silhouette_sampled: sample_size ",
             sample_size, " must be between 2 and the number of points (", n, ")");
  const std::vector<std::int64_t> all = host_labels(res, labels);
  // The first sample_size entries of a seeded Fisher-Yates shuffle.
  std::vector<std::int64_t> idx(static_cast<std::size_t>(n));
  std::iota(idx.begin(), idx.end(), std::int64_t{0});
  splitmix64 rng{seed};
  for (std::int64_t i = 0; i < sample_size; ++i) {
    const auto j = i + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(n - i)));
    std::swap(idx[static_cast<std::size_t>(i)], idx[static_cast<std::size_t>(j)]);
  }
  idx.resize(static_cast<std::size_t>(sample_size));
  std::vector<std::int64_t> sl(idx.size());
  for (std::size_t i = 0; i < idx.size(); ++i) sl[i] = all[static_cast<std::size_t>(idx[i])];
  const detail::silhouette_plan plan = detail::make_silhouette_plan(sl.data(), sample_size, idx);
  silhouette_result r = exact_on_plan(res, x, plan, params);
  r.exact = sample_size == n;
  r.sample_rows = std::move(idx);
  return r;
}

silhouette_result silhouette_simplified(const resources& res, matrix_view x, label_view labels,
                                        const silhouette_params& params) {
  const detail::silhouette_plan plan = plan_all(res, x, labels, "silhouette_simplified");
  std::vector<double> a;
  std::vector<double> b;
  detail::backend_for(res).silhouette->centroid_distances(res, x, plan, params.metric, a, b);
  silhouette_result r = detail::finish_silhouette(plan, a, b, params.per_sample);
  r.exact = false;
  return r;
}

}  // namespace embed_metrics
