#pragma once
// What the entropy estimators (entropy_*.cpp) and the covariance spectrum
// share: units, constants, and the sample covariance from second moments.

#include <cstdint>
#include <vector>

#include "embed_metrics/entropy.hpp"

namespace embed_metrics::detail {

inline constexpr double kPi = 3.14159265358979323846;
inline constexpr double kLn2 = 0.69314718055994530942;

/// @p nats in the asked unit.
[[nodiscard]] inline double in_unit(double nats, entropy_unit unit) {
  return unit == entropy_unit::bits ? nats / kLn2 : nats;
}

/// The sample covariance (ddof = 1, d x d, row-major) of n rows from the
/// Gram matrix @p g and column sums @p s of the rows shifted by any one
/// origin: (G - s s^T / n) / (n - 1).
[[nodiscard]] std::vector<double> covariance_from_gram(const std::vector<double>& g,
                                                       const std::vector<double>& s, std::int64_t n,
                                                       std::int64_t d);

/// The d eigenvalues of the sample covariance of @p x (ddof = 1), in any
/// order, its second moments from the backend of @p res. For n < d they are
/// those of the n x n Gram matrix of the centred rows over n - 1, and d - n zeros.
[[nodiscard]] std::vector<double> covariance_eigenvalues(const resources& res, matrix_view x);

/// The Kozachenko-Leonenko estimate in nats, psi(n) - psi(k) + log V_d +
/// d/n sum_i log eps_i, from @p sum_log = sum_i log eps_i (the k-th
/// neighbour distances) of @p n rows of @p d columns.
[[nodiscard]] double kozachenko_leonenko_nats(std::int64_t n, std::int64_t k, std::int64_t d,
                                              double sum_log);

/// The Gaussian entropy from the d eigenvalues @p lambda of the sample
/// covariance: those at or below rel_tol x the largest count at that floor.
[[nodiscard]] gaussian_entropy_result gaussian_entropy_from_eigenvalues(
    const std::vector<double>& lambda, const gaussian_entropy_params& params);

/// RankMe from the eigenvalues @p lambda of a Gram matrix of the rows (the
/// squared singular values, any order); those at or below rel_tol x the
/// largest are zero singular values.
[[nodiscard]] effective_rank_result effective_rank_from_gram_eigenvalues(std::vector<double> lambda,
                                                                         double rel_tol);

}  // namespace embed_metrics::detail
