#pragma once
// The second moments of the rows of all ranks in order-free sums: the d x d
// Gram matrix of the rows shifted by one origin and their column sums, the
// same bits at any number of ranks. The covariance metrics (Gaussian
// entropy, effective rank, the spectrum metrics) start from it.

#include <cstdint>
#include <vector>

#include "dist/exact_sum.hpp"
#include "embed_metrics/communicator.hpp"
#include "embed_metrics/matrix.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::detail {

struct moments {
  std::vector<double> g;  ///< d x d, full: Y^T Y
  std::vector<double> s;  ///< the column sums of Y
  std::int64_t n = 0;     ///< rows over all ranks
};

/// The moments of Y = X - shift over all ranks; shift is the first global
/// row (to keep the cancellation small, as the single-process covariance
/// does) or zero.
moments global_moments(const resources& res, communicator& comm, matrix_view x,
                       bool shift_by_first);

/// Adds the upper triangle of y y^T (entry (a, b), a <= b, in row order) to @p sums.
void add_upper_outer(exact_sums& sums, const std::vector<double>& y);

/// The symmetric d x d matrix whose upper triangle (in row order) @p sums holds.
std::vector<double> symmetric_from_upper(const exact_sums& sums, std::int64_t d);

}  // namespace embed_metrics::detail
