#pragma once
// Best one-to-one matching of the clusters of two labelings: the largest sum
// of contingency counts over matchings of rows to columns (rectangular
// tables allowed), for the Hungarian-matched accuracy.

#include <cstdint>

#include "embed_metrics/agreement.hpp"

namespace embed_metrics::cpu {

/// The largest sum of counts over one-to-one matchings of rows to columns of
/// @p t. Cells that are zero never help a matching, so the table splits into
/// the connected components of its non-zero cells, each solved on its own by
/// the shortest-augmenting-path Hungarian algorithm with potentials in exact
/// int64 arithmetic: O(r^2 c) time and O(r c) memory for a component of r <= c
/// rows and columns. Returns -1 when a component would need more than
/// @p max_cells dense cells.
std::int64_t max_matching_count(const contingency_table& t, std::int64_t max_cells);

/// The Hungarian algorithm on a dense rows x cols row-major table of
/// non-negative weights (any shape); returns the largest matched sum.
std::int64_t max_weight_matching_dense(const std::int64_t* weights, std::int64_t rows,
                                       std::int64_t cols);

}  // namespace embed_metrics::cpu
