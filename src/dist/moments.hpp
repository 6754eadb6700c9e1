#pragma once
// The second moments of the rows of all ranks in order-free sums: the d x d
// Gram matrix of the rows shifted by one origin and their column sums, the
// same bits at any number of ranks. The covariance metrics (Gaussian
// entropy, effective rank, the spectrum metrics) start from it.

#include <cstdint>
#include <vector>

#include "embed_metrics/communicator.hpp"
#include "embed_metrics/matrix.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::detail {

/// @p g (d x d, full) = Y^T Y and @p s = the column sums of Y = X - shift over
/// all ranks, @p n their rows; shift is the first global row (to keep the
/// cancellation small, as the single-process covariance does) or zero.
void global_moments(const resources& res, communicator& comm, matrix_view x, bool shift_by_first,
                    std::vector<double>& g, std::vector<double>& s, std::int64_t& n);

}  // namespace embed_metrics::detail
