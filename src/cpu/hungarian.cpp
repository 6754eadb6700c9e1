#include "cpu/hungarian.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

namespace embed_metrics::cpu {
namespace {

using i64 = std::int64_t;

// Minimum-cost assignment of every row of an n x m cost table (n <= m) by
// shortest augmenting paths with row and column potentials (Kuhn-Munkres in
// the form of Crouse 2016, as scipy's linear_sum_assignment): one Dijkstra
// over the columns per free row, O(n m) each, O(n^2 m) in all. Costs are the
// negated weights (exact int64), so the minimum cost is the maximum weight.
// Ties go to a free column, which ends a search early; contingency counts
// are small integers with many ties, so this matters. Returns each row's column.
std::vector<i64> assign_rows(const i64* w, i64 n, i64 m) {
  const i64 inf = std::numeric_limits<i64>::max() / 4;
  const auto nn = static_cast<std::size_t>(n), mm = static_cast<std::size_t>(m);
  std::vector<i64> u(nn, 0), v(mm, 0), spc(mm), path(mm, -1), col4row(nn, -1), row4col(mm, -1);
  std::vector<i64> remaining(mm);
  std::vector<char> sr(nn), sc(mm);
  // Start from row reduction (u_i = min_j cost, v = 0: feasible) and a greedy
  // matching on tight edges; only the rows left free need a search.
  for (i64 i = 0; i < n; ++i) {
    const i64* wrow = w + i * m;
    i64 best = std::numeric_limits<i64>::min();
    for (i64 j = 0; j < m; ++j) best = std::max(best, wrow[j]);
    u[i] = -best;
    for (i64 j = 0; j < m; ++j) {
      if (wrow[j] == best && row4col[j] < 0) {
        row4col[j] = i;
        col4row[i] = j;
        break;
      }
    }
  }
  for (i64 cur = 0; cur < n; ++cur) {
    if (col4row[cur] >= 0) continue;
    i64 min_val = 0, sink = -1, i = cur, left = m;
    for (i64 it = 0; it < m; ++it) remaining[it] = m - it - 1;
    std::fill(sr.begin(), sr.end(), 0);
    std::fill(sc.begin(), sc.end(), 0);
    std::fill(spc.begin(), spc.end(), inf);
    while (sink < 0) {
      i64 index = -1, lowest = inf;
      sr[i] = 1;
      const i64* wrow = w + i * m;
      const i64 base = min_val - u[i];
      for (i64 it = 0; it < left; ++it) {
        const i64 j = remaining[it];
        const i64 r = base - wrow[j] - v[j];
        if (r < spc[j]) {
          path[j] = i;
          spc[j] = r;
        }
        if (spc[j] < lowest || (spc[j] == lowest && row4col[j] < 0)) {
          lowest = spc[j];
          index = it;
        }
      }
      min_val = lowest;
      const i64 j = remaining[index];
      if (row4col[j] < 0) sink = j; else i = row4col[j];
      sc[j] = 1;
      remaining[index] = remaining[--left];
    }
    u[cur] += min_val;
    for (i64 r = 0; r < n; ++r)
      if (sr[r] && r != cur) u[r] += min_val - spc[col4row[r]];
    for (i64 c = 0; c < m; ++c)
      if (sc[c]) v[c] -= min_val - spc[c];
    for (i64 j = sink;;) {
      const i64 r = path[j];
      row4col[j] = r;
      std::swap(col4row[r], j);
      if (r == cur) break;
    }
  }
  return col4row;
}

i64 find(std::vector<i64>& parent, i64 x) {
  while (parent[x] != x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

}  // namespace

std::int64_t max_weight_matching_dense(const std::int64_t* weights, std::int64_t rows,
                                       std::int64_t cols) {
  if (rows == 0 || cols == 0) return 0;
  if (rows > cols) {  // the algorithm wants rows <= cols: work on the transpose
    std::vector<i64> wt(static_cast<std::size_t>(rows * cols));
    for (i64 i = 0; i < rows; ++i)
      for (i64 j = 0; j < cols; ++j) wt[j * rows + i] = weights[i * cols + j];
    return max_weight_matching_dense(wt.data(), cols, rows);
  }
  const std::vector<i64> col_of = assign_rows(weights, rows, cols);
  i64 total = 0;
  for (i64 i = 0; i < rows; ++i) total += weights[i * cols + col_of[i]];
  return total;
}

std::int64_t max_matching_count(const contingency_table& t, std::int64_t max_cells) {
  const auto ka = static_cast<i64>(t.sizes_a.size());
  const auto kb = static_cast<i64>(t.sizes_b.size());
  const auto nnz = static_cast<i64>(t.count.size());
  // Union-find over rows (0..ka-1) and columns (ka..ka+kb-1) joined by non-zero cells.
  std::vector<i64> parent(static_cast<std::size_t>(ka + kb));
  std::iota(parent.begin(), parent.end(), i64{0});
  for (i64 c = 0; c < nnz; ++c) {
    const i64 x = find(parent, t.row[c]);
    const i64 y = find(parent, ka + t.col[c]);
    if (x != y) parent[std::max(x, y)] = std::min(x, y);
  }
  // Cells grouped by component (stable: within a component, table order).
  std::vector<i64> comp_of_cell(static_cast<std::size_t>(nnz));
  for (i64 c = 0; c < nnz; ++c) comp_of_cell[c] = find(parent, t.row[c]);
  std::vector<i64> order(static_cast<std::size_t>(nnz));
  std::iota(order.begin(), order.end(), i64{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](i64 x, i64 y) { return comp_of_cell[x] < comp_of_cell[y]; });

  std::vector<i64> local_row(static_cast<std::size_t>(ka), -1), local_col(static_cast<std::size_t>(kb), -1);
  std::vector<i64> dense;
  i64 total = 0;
  for (i64 s = 0; s < nnz;) {
    i64 e = s;
    const i64 comp = comp_of_cell[order[s]];
    while (e < nnz && comp_of_cell[order[e]] == comp) ++e;
    // Local indices of this component's rows and columns.
    i64 r = 0, c = 0, best = 0;
    for (i64 q = s; q < e; ++q) {
      const i64 cell = order[q];
      if (local_row[t.row[cell]] < 0) local_row[t.row[cell]] = r++;
      if (local_col[t.col[cell]] < 0) local_col[t.col[cell]] = c++;
      best = std::max(best, t.count[cell]);
    }
    if (r == 1 || c == 1) {
      total += best;  // a single row or column matches its largest cell
    } else {
      if (r > max_cells / c) return -1;
      dense.assign(static_cast<std::size_t>(r * c), 0);
      for (i64 q = s; q < e; ++q) {
        const i64 cell = order[q];
        dense[local_row[t.row[cell]] * c + local_col[t.col[cell]]] = t.count[cell];
      }
      total += max_weight_matching_dense(dense.data(), r, c);
    }
    s = e;
  }
  return total;
}

}  // namespace embed_metrics::cpu
