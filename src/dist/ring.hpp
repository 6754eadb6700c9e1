#pragma once
// The ring that measures each pair of rows once: at step s = 1..P/2, rank r
// measures its own block against the rows of rank r - s (mod P), which it
// took from rank r - 1 and passes on to rank r + 1; at the last step (P
// even) the pair of ranks r and r + P/2 meets twice and only the lower rank
// measures it. The rows do not change on the way, so the next block is
// already travelling while the current one is measured; the per-row state
// a visited block gathers here (sums, neighbour lists) starts fresh and goes
// straight home after its step. A rank holds its own block, the one it
// measures, the one arriving and one returning state.

#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "dist/row_layout.hpp"
#include "embed_metrics/communicator.hpp"
#include "embed_metrics/matrix.hpp"

namespace embed_metrics::detail {

/// The input checks of a ring metric (@p what names it): host rows, finite,
/// at least one column.
void check_ring_input(matrix_view x, const char* what);

struct ring_block {
  std::int64_t first = 0;         ///< global index of its first row
  std::int64_t rows = 0;
  std::vector<float> x;           ///< rows x d
  std::vector<std::int64_t> tag;  ///< one integer per row (labels; unused ones are zero)
  std::vector<std::int64_t> state;  ///< per-row state, rows x state_width int64 (doubles bit-cast)
};

/// This rank's rows as a ring block (global rows from its offset in
/// @p layout), tags and a zero state of @p state_width words a row.
ring_block block_of_rows(matrix_view x, const row_layout& layout, std::int64_t state_width);

/// Runs the ring: @p fresh(block) sets the state a block starts its journey
/// with; @p measure(own, visitor, false) is called for every visiting block
/// this rank must measure against its own (its state and the visitor's both
/// updated), after @p measure(own, own, true) for the pairs inside its own
/// block. Returns the own block with the state added at every rank it
/// visited, merged by @p merge(own_state, returned_state).
void run_ring(communicator& comm, const row_layout& layout, ring_block& own, std::int64_t d,
              std::int64_t state_width, const std::function<void(ring_block&)>& fresh,
              const std::function<void(ring_block&, ring_block&, bool same)>& measure,
              const std::function<void(std::int64_t* own_state, const std::int64_t* back)>& merge);

/// The nearest-neighbour lists of the ring: every pair of rows of @p a and
/// @p b (of a alone when @p same) at its euclidean distance v, offered to
/// both rows' lists by @p keep(block, row, other, other_row, v).
template <class Keep>
void offer_distances(ring_block& a, ring_block& b, bool same, std::int64_t d, int threads,
                     Keep keep) {
  if (same) {
#pragma omp parallel for num_threads(threads) schedule(dynamic, 16)
    for (std::int64_t i = 0; i < a.rows; ++i)
      for (std::int64_t j = 0; j < a.rows; ++j)
        if (j != i)
          keep(a, i, a, j, std::sqrt(sq_distance(a.x.data() + i * d, a.x.data() + j * d, d)));
    return;
  }
  std::vector<double> dist(static_cast<std::size_t>(a.rows * b.rows));
#pragma omp parallel for num_threads(threads) schedule(dynamic, 16)
  for (std::int64_t i = 0; i < a.rows; ++i)
    for (std::int64_t j = 0; j < b.rows; ++j) {
      const double v = std::sqrt(sq_distance(a.x.data() + i * d, b.x.data() + j * d, d));
      dist[static_cast<std::size_t>(i * b.rows + j)] = v;
      keep(a, i, b, j, v);
    }
#pragma omp parallel for num_threads(threads) schedule(dynamic, 16)
  for (std::int64_t j = 0; j < b.rows; ++j)
    for (std::int64_t i = 0; i < a.rows; ++i)
      keep(b, j, a, i, dist[static_cast<std::size_t>(i * b.rows + j)]);
}

}  // namespace embed_metrics::detail
