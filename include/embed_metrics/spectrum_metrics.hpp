#pragma once
/// @file spectrum_metrics.hpp
/// @brief Metrics of the covariance spectrum of embeddings, from one
/// covariance (or, for n < d, one n x n Gram) computation: the sorted
/// eigenvalues (dimensional collapse, Jing et al. 2022), alpha-ReQ (Agrawal
/// et al. 2022), NESum (He & Ozay 2022); LiDAR (Thilak et al. 2023) of
/// grouped views; and the collapse std of SimSiam (Chen & He 2021).

#include <cstdint>
#include <string>
#include <vector>

#include "embed_metrics/export.hpp"
#include "embed_metrics/matrix.hpp"
#include "embed_metrics/metric_undefined.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics {

/// @brief Parameters of spectrum_metrics().
struct spectrum_metrics_params {
  /// First eigenvalue (1-based, largest first) of the alpha-ReQ fit.
  std::int64_t fit_first = 1;
  /// Last eigenvalue of the fit; 0 means the last one above @ref rel_floor.
  std::int64_t fit_last = 0;
  /// Eigenvalues at or below rel_floor * (largest) are round-off, not
  /// spectrum: the fit stops before the first of them.
  double rel_floor = 1e-10;
};

/// @brief Result of spectrum_metrics().
struct spectrum_metrics_result {
  /// The min(n - 1, d) eigenvalues of the sample covariance (ddof = 1) that
  /// can be non-zero, largest first, round-off negatives clamped to 0.
  std::vector<double> spectrum;
  /// alpha of the power law lambda_i ~ i^(-alpha): minus the least-squares
  /// slope of log lambda_i on log i over the fitted indices. NaN when the
  /// fit is undefined (see @ref alpha_req_undefined).
  double alpha_req = 0.0;
  double alpha_req_r2 = 0.0;          ///< coefficient of determination of that fit
  std::int64_t alpha_req_first = 0;   ///< first index fitted (1-based)
  std::int64_t alpha_req_last = 0;    ///< last index fitted (1-based)
  /// Why alpha_req is NaN (fewer than 2 eigenvalues above the floor in the
  /// range); empty when it is defined.
  std::string alpha_req_undefined;
  /// NESum: sum of the eigenvalues over the largest (1 for a rank-one
  /// spectrum, up to min(n - 1, d) for a flat one). NaN when every
  /// eigenvalue is 0 (see @ref nesum_undefined).
  double nesum = 0.0;
  std::string nesum_undefined;  ///< why nesum is NaN; empty when defined
  std::int64_t n = 0;           ///< rows
  std::int64_t d = 0;           ///< dimensions
};

/// @brief The covariance spectrum, alpha-ReQ and NESum of @p x from one
/// second-moment pass (d x d covariance for n >= d, the n x n Gram matrix
/// of the centred rows for n < d: the same non-zero eigenvalues), in double.
/// A value that does not exist for these data is NaN with its reason in the
/// result, so that the spectrum is still returned.
/// @param res resources (CPU: host views; CUDA: host or device views).
/// @param x n x d rows, n >= 2, d >= 1, finite.
/// @param params the alpha-ReQ fit range.
/// @throws invalid_argument for n < 2, a bad range or non-finite rows.
[[nodiscard]] EMBED_METRICS_API spectrum_metrics_result spectrum_metrics(const resources& res, matrix_view x,
                                                       const spectrum_metrics_params& params = {});

/// @brief alpha-ReQ alone: spectrum_metrics()'s alpha_req.
/// @throws metric_undefined when the fit has fewer than 2 points.
[[nodiscard]] EMBED_METRICS_API double alpha_req(const resources& res, matrix_view x,
                               const spectrum_metrics_params& params = {});

/// @brief NESum alone: spectrum_metrics()'s nesum.
/// @throws metric_undefined when every eigenvalue is 0 (all rows equal).
[[nodiscard]] EMBED_METRICS_API double nesum(const resources& res, matrix_view x);

/// @brief Parameters of lidar().
struct lidar_params {
  /// Ridge delta added to the within-group scatter (Sigma_w + delta I), so
  /// that its inverse square root exists; in the units of x squared.
  double delta = 1e-4;
  double eps = 1e-7;  ///< added to each normalised eigenvalue before the entropy, as RankMe
};

/// @brief Result of lidar().
struct lidar_result {
  double lidar = 0.0;                ///< exp(-sum_i p_i log p_i), p_i = lambda_i / sum lambda + eps
  std::vector<double> eigenvalues;   ///< the d eigenvalues of Sigma_w^(-1/2) Sigma_b Sigma_w^(-1/2), largest first, clamped at 0
  std::int64_t groups = 0;           ///< distinct group ids
  std::int64_t n = 0;                ///< rows
  std::int64_t d = 0;                ///< dimensions
};

/// @brief LiDAR: the effective rank of the linear-discriminant matrix
/// Sigma_w^(-1/2) Sigma_b Sigma_w^(-1/2) in which the rows sharing a group
/// id (the augmented views of one source image) form a class.
/// Sigma_b = (1/G) sum_g (mu_g - mu)(mu_g - mu)^T over the G group means
/// mu_g, mu their mean; Sigma_w = (1/n) sum_g sum_{i in g} (x_i - mu_g)(x_i -
/// mu_g)^T + delta I (groups may differ in size). In double.
/// @param res resources.
/// @param x n x d rows, finite.
/// @param groups n group ids (any int64 values).
/// @param params delta and eps.
/// @throws metric_undefined for fewer than 2 groups or no group with 2 rows
/// (no within-group scatter), or when Sigma_b = 0 (all group means equal).
/// @throws invalid_argument for mismatched shapes, delta <= 0 or eps < 0.
[[nodiscard]] EMBED_METRICS_API lidar_result lidar(const resources& res, matrix_view x, label_view groups,
                                 const lidar_params& params = {});

/// @brief Parameters of collapse_std() (none yet).
struct collapse_std_params {};

/// @brief Result of collapse_std().
struct collapse_std_result {
  double collapse_std = 0.0;  ///< mean over dimensions of the std of z = x / ||x||
  double healthy = 0.0;       ///< 1 / sqrt(d): the value of well spread embeddings
  std::int64_t n = 0;         ///< rows
  std::int64_t d = 0;         ///< dimensions
};

/// @brief SimSiam's collapse monitor: the mean over dimensions of the sample
/// standard deviation (ddof = 1, as torch.std) of the L2-normalised rows;
/// near 1/sqrt(d) when the embeddings are spread, 0 when they collapsed to
/// one direction. In double.
/// @param res resources.
/// @param x n x d rows, n >= 2, finite, no zero row.
/// @throws invalid_argument for n < 2, a zero row or non-finite rows.
[[nodiscard]] EMBED_METRICS_API collapse_std_result collapse_std(const resources& res, matrix_view x,
                                               const collapse_std_params& params = {});

}  // namespace embed_metrics
