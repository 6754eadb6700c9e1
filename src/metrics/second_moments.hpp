#pragma once
// The second moments of one matrix from a single backend pass, shared by the
// metrics of the covariance and of the Gram matrix (Gaussian entropy,
// RankMe, the sorted spectrum, alpha-ReQ, NESum), so that a report computing
// all of them reads the rows once and eigen-decomposes each distinct matrix
// once. The public functions (gaussian_entropy, effective_rank,
// spectrum_metrics) keep their own passes for callers that want one metric.

#include <cstdint>
#include <optional>
#include <vector>

#include "embed_metrics/matrix.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::detail {

class second_moments {
 public:
  /// One pass over @p x (n >= 2, d >= 1, finite) on the backend of @p res:
  /// for n >= d the d x d Gram matrix and column sums of the rows shifted by
  /// row 0 (the covariance keeps its digits far from the origin; X^T X is
  /// rebuilt from them exactly enough, every term being at most its size);
  /// for n < d the n x n Gram matrix X X^T, centred on the host.
  second_moments(const resources& res, matrix_view x);

  [[nodiscard]] std::int64_t rows() const noexcept { return n_; }
  [[nodiscard]] std::int64_t cols() const noexcept { return d_; }
  /// How many second-moment passes over the rows were made (1, or 2 when the
  /// n x n Gram matrix of data far from the origin could not be centred
  /// without losing digits and the centred one was computed directly).
  [[nodiscard]] int passes() const noexcept { return passes_; }

  /// The d eigenvalues of the sample covariance (ddof = 1), in any order
  /// (for n < d: those of the centred n x n Gram over n - 1, then d - n zeros),
  /// as gaussian_entropy uses them. Decomposed on the first call.
  [[nodiscard]] const std::vector<double>& covariance_eigenvalues();
  /// The min(n, d) eigenvalues of the uncentred Gram matrix (the squared
  /// singular values of x, any order), as effective_rank uses them.
  [[nodiscard]] const std::vector<double>& gram_eigenvalues();

 private:
  std::int64_t n_;
  std::int64_t d_;
  int passes_ = 1;
  std::vector<double> centred_;    // m x m: sum (x_i - mean)(x_i - mean)^T, or the centred row Gram
  std::vector<double> uncentred_;  // m x m: X^T X or X X^T
  std::optional<std::vector<double>> covariance_eigenvalues_;
  std::optional<std::vector<double>> gram_eigenvalues_;
};

}  // namespace embed_metrics::detail
