#pragma once
/// @file entropy.hpp
/// @brief Entropy and spectrum of an embedding distribution: the
/// Kozachenko-Leonenko kNN estimator, per-dimension histogram entropy, the
/// entropy of the Gaussian with the sample covariance, and the effective rank
/// (RankMe) of the embedding matrix. Entropies are in nats unless bits are
/// asked for.

#include <cstdint>
#include <optional>
#include <vector>

#include "embed_metrics/matrix.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics {

/// @brief Unit of an entropy.
enum class entropy_unit {
  nats,  ///< natural logarithm
  bits,  ///< base-2 logarithm (nats / ln 2)
};

// ------------------------------------------------------------------- kNN ---

/// @brief Parameters of knn_entropy().
struct knn_entropy_params {
  std::int64_t k = 3;                       ///< neighbour whose distance is eps_i; 1 <= k <= n - 1
  entropy_unit unit = entropy_unit::nats;   ///< unit of the result
};

/// @brief Result of knn_entropy().
struct knn_entropy_result {
  double entropy = 0.0;            ///< the estimate, in @ref unit
  entropy_unit unit = entropy_unit::nats;  ///< unit of @ref entropy
  std::int64_t n = 0;              ///< rows
  std::int64_t d = 0;              ///< dimensions
  std::int64_t k = 0;              ///< neighbour used
  /// Rows whose k-th nearest other point is a duplicate (eps_i = 0). Their
  /// eps_i is replaced by @ref zero_eps_replacement (see knn_entropy()).
  std::int64_t zero_distance_rows = 0;
  double zero_eps_replacement = 0.0;  ///< the distance used for those rows (0 when there were none)
};

/// @brief Kozachenko-Leonenko differential entropy estimate
/// H = psi(n) - psi(k) + log V_d + (d / n) sum_i log eps_i, where eps_i is the
/// Euclidean distance from row i to its k-th nearest other row (exact kNN,
/// knn()) and V_d = pi^(d/2) / Gamma(d/2 + 1) the volume of the unit d-ball.
///
/// Duplicates: when row i has k or more exact duplicates, eps_i = 0 and
/// log eps_i = -inf. Such an eps_i is replaced by the smallest positive
/// k-th-neighbour distance found in the data: the finest scale at which the
/// data themselves resolve a k-neighbourhood. This needs no search beyond the
/// k neighbours already found (the nearest distinct point of a row with many
/// duplicates can lie arbitrarily deep in its neighbour list), keeps the
/// estimate finite, and still lowers it for duplicated data, as duplicates
/// should. The number of rows affected is reported. When no row has a
/// positive k-th-neighbour distance (every row has k or more duplicates) the
/// estimate does not exist and invalid_argument is thrown.
/// @param res resources (CUDA: host or device views; CPU: host views).
/// @param x   n x d rows, n >= 2.
/// @param params k and unit.
/// @throws invalid_argument for k out of range or fully duplicated data.
[[nodiscard]] knn_entropy_result knn_entropy(const resources& res, matrix_view x,
                                             const knn_entropy_params& params = {});

// ------------------------------------------------------------- histogram ---

/// @brief How histogram_entropy() chooses the bins of each dimension.
enum class bin_rule {
  fixed,              ///< histogram_params::bins equal-width bins over [min, max]
  freedman_diaconis,  ///< width 2 IQR / n^(1/3) (as numpy "fd"): ceil((max - min) / width) bins, 1 when IQR = 0
};

/// @brief Parameters of histogram_entropy().
struct histogram_params {
  bin_rule rule = bin_rule::fixed;         ///< bin rule
  std::int64_t bins = 64;                  ///< bins per dimension for bin_rule::fixed (>= 1)
  bool miller_madow = false;               ///< add the Miller-Madow bias correction (m - 1) / (2 n), m = occupied bins
  entropy_unit unit = entropy_unit::nats;  ///< unit of the results
};

/// @brief Result of histogram_entropy(). Each dimension is binned into
/// equal-width bins over its [min, max] (numpy.histogram's bins).
struct histogram_entropy_result {
  /// Mean over dimensions of the discrete plug-in entropy -sum_b p_b log p_b
  /// (plus the Miller-Madow term when asked): the headline figure, always
  /// finite, between 0 and log(bins).
  double entropy = 0.0;
  std::vector<double> per_dimension;  ///< the discrete entropy of each dimension
  /// Differential-entropy estimate of each dimension: the discrete entropy
  /// plus log(bin width). Constant dimensions (width 0) have none and hold NaN.
  std::vector<double> per_dimension_differential;
  /// Mean of per_dimension_differential over the non-constant dimensions;
  /// std::nullopt when every dimension is constant.
  std::optional<double> differential_entropy;
  std::vector<std::int64_t> bins;     ///< bins used for each dimension
  std::int64_t constant_dimensions = 0;  ///< dimensions with max == min (one bin, entropy 0)
  entropy_unit unit = entropy_unit::nats;  ///< unit of every entropy above
};

/// @brief Per-dimension histogram entropy of @p x (host memory is needed on
/// the CPU backend; the CUDA backend copies device views to the host, the
/// work being O(n d)).
/// @throws invalid_argument for an empty matrix or bins < 1.
[[nodiscard]] histogram_entropy_result histogram_entropy(const resources& res, matrix_view x,
                                                         const histogram_params& params = {});

// -------------------------------------------------------------- Gaussian ---

/// @brief Parameters of gaussian_entropy().
struct gaussian_entropy_params {
  entropy_unit unit = entropy_unit::nats;  ///< unit of the result
};

/// @brief Result of gaussian_entropy().
struct gaussian_entropy_result {
  double entropy = 0.0;       ///< 0.5 log det(2 pi e Sigma), in @ref unit
  double log_det = 0.0;       ///< log det Sigma (natural log, with the ridge when one was added)
  /// Ridge added to the diagonal of Sigma when it was not positive definite
  /// (0 when none was needed): 1e-10 times the mean variance (or 1e-30 when
  /// every variance is 0), multiplied by 10 until the Cholesky factorisation succeeds.
  double ridge = 0.0;
  entropy_unit unit = entropy_unit::nats;  ///< unit of @ref entropy
};

/// @brief Entropy of the Gaussian with the sample covariance of @p x:
/// 0.5 log det(2 pi e Sigma), Sigma with ddof = 1, accumulated in double over
/// blocks of rows (shifted by the first row for accuracy), log det by a
/// double-precision Cholesky factorisation.
/// @throws invalid_argument when n < 2.
[[nodiscard]] gaussian_entropy_result gaussian_entropy(const resources& res, matrix_view x,
                                                       const gaussian_entropy_params& params = {});

// --------------------------------------------------------- effective rank ---

/// @brief Result of effective_rank().
struct effective_rank_result {
  double effective_rank = 0.0;          ///< exp(-sum_i p_i log p_i)
  std::vector<double> singular_values;  ///< the min(n, d) singular values, largest first
};

/// @brief Effective rank (RankMe, Garrido et al. 2023) of the uncentered
/// matrix @p x: exp(-sum_i p_i log p_i), p_i = s_i / sum_j s_j + 1e-7, over the
/// min(n, d) singular values s_i. They come from the eigenvalues of the
/// d x d Gram matrix X^T X accumulated in double (s_i = sqrt(max(lambda_i, 0))).
/// @throws invalid_argument for an empty or all-zero matrix.
[[nodiscard]] effective_rank_result effective_rank(const resources& res, matrix_view x);

}  // namespace embed_metrics
