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

#include "embed_metrics/export.hpp"
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
[[nodiscard]] EMBED_METRICS_API knn_entropy_result knn_entropy(const resources& res, matrix_view x,
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
[[nodiscard]] EMBED_METRICS_API histogram_entropy_result
histogram_entropy(const resources& res, matrix_view x, const histogram_params& params = {});

// -------------------------------------------------------------- Gaussian ---

/// @brief Default relative eigenvalue threshold of gaussian_entropy(): an
/// eigenvalue of Sigma at or below 1e-10 lambda_max (a standard deviation
/// below 1e-5 of the largest one) is taken as numerically zero. float32 data
/// carry 7 significant digits, so such a spread is at the level of the
/// rounding of data that lie about a hundred spreads from the origin; and the
/// double covariance of exactly singular data leaves its null eigenvalues
/// near 1e-16 lambda_max, far below the threshold on every CPU.
inline constexpr double kGaussianEntropyRelTol = 1e-10;

/// @brief Parameters of gaussian_entropy().
struct gaussian_entropy_params {
  entropy_unit unit = entropy_unit::nats;  ///< unit of the result
  /// Eigenvalues of Sigma at or below rel_tol * lambda_max are numerically
  /// zero; each is raised to that threshold (0 < rel_tol < 1).
  double rel_tol = kGaussianEntropyRelTol;
};

/// @brief Result of gaussian_entropy().
struct gaussian_entropy_result {
  double entropy = 0.0;  ///< 0.5 (d log(2 pi e) + log_det), in @ref unit
  /// sum_i log max(lambda_i, eigenvalue_floor) over the d eigenvalues of
  /// Sigma (natural log): log det Sigma when nothing was raised.
  double log_det = 0.0;
  /// rel_tol * lambda_max: the threshold, and the value every eigenvalue at or
  /// below it was raised to.
  double eigenvalue_floor = 0.0;
  /// Eigenvalues at or below the threshold (0: Sigma is numerically positive
  /// definite and @ref log_det is its log-determinant). At least d - n + 1
  /// when n <= d.
  std::int64_t null_eigenvalues = 0;
  entropy_unit unit = entropy_unit::nats;  ///< unit of @ref entropy
};

/// @brief Entropy of the Gaussian with the sample covariance Sigma of @p x
/// (ddof = 1): 0.5 log det(2 pi e Sigma), with log det from the eigenvalues
/// lambda_i of Sigma (a symmetric eigensolver in double).
///
/// Singular covariances (collapsed dimensions, duplicated columns, and always
/// when n <= d): an eigenvalue at or below rel_tol * lambda_max is raised to
/// that floor (a ridge in the null directions only), so the estimate stays
/// finite and continuous and falls by 0.5 log(lambda_floor / lambda) for each
/// collapsed direction; the floor and the count are in the result. Inputs
/// whose eigenvalues all lie above the floor get the exact log-determinant.
///
/// Sigma comes from second moments accumulated in double: the d x d
/// covariance (rows shifted by the first row) when n >= d; when n < d, the
/// n x n Gram matrix of the centred rows, which has the same nonzero
/// eigenvalues (times n - 1), so a short wide matrix costs O(n^2 d) time and
/// O(n^2 + n d) memory; the other d - n eigenvalues are zero.
/// @throws invalid_argument when n < 2, rel_tol is not in (0, 1), or every
/// column is constant (Sigma = 0: the entropy is -infinity).
[[nodiscard]] EMBED_METRICS_API gaussian_entropy_result
gaussian_entropy(const resources& res, matrix_view x, const gaussian_entropy_params& params = {});

// --------------------------------------------------------- effective rank ---

/// @brief Parameters of effective_rank().
struct effective_rank_params {
  /// Eigenvalues of the Gram matrix (squared singular values) at or below
  /// rel_tol * s_max^2 are set to 0: the double Gram matrix resolves them only
  /// to about min(n, d) * 1e-16 s_max^2, so below that they are rounding
  /// noise that differs from one CPU to another. 0 <= rel_tol < 1.
  double rel_tol = 1e-12;
};

/// @brief Result of effective_rank().
struct effective_rank_result {
  double effective_rank = 0.0;          ///< exp(-sum_i p_i log p_i)
  std::vector<double> singular_values;  ///< the min(n, d) singular values, largest first
  /// Singular values set to 0 by effective_rank_params::rel_tol (the
  /// numerical nullity of x within min(n, d)).
  std::int64_t zero_singular_values = 0;
};

/// @brief Effective rank (RankMe, Garrido et al. 2023) of the uncentered
/// matrix @p x: exp(-sum_i p_i log p_i), p_i = s_i / sum_j s_j + 1e-7, over the
/// min(n, d) singular values s_i. They come from the eigenvalues of the
/// min(n, d)-square Gram matrix (X^T X when n >= d, X X^T when n < d)
/// accumulated in double: s_i = sqrt(lambda_i), with lambda_i at or below
/// rel_tol * lambda_max taken as 0.
/// @throws invalid_argument for an empty or all-zero matrix, or rel_tol out of range.
[[nodiscard]] EMBED_METRICS_API effective_rank_result
effective_rank(const resources& res, matrix_view x, const effective_rank_params& params = {});

}  // namespace embed_metrics
