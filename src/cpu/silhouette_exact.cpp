// Exact silhouette on the CPU.
//
// The points are copied in cluster order (detail::silhouette_plan), so that
// every cluster is a contiguous range of positions, and cut into blocks of
// kBlock positions. Each block is a list of runs (the pieces of the clusters
// it holds); a run that starts before the block or ends after it is
// "incomplete".
//
// Only the tiles (I, J) with J >= I are computed, kGroup row blocks against
// one column block per work item: one BLAS GEMM, or on CPUs with AVX-512 the
// kNN search's tile kernel (cpu/knn_tile_gemm) against the column block
// packed once for the item. A tile serves twice: its rows (points of block I)
// get their sums over the runs of block J, and for J > I its columns (points
// of block J) get their sums over the runs of block I, in one pass over the
// tile right after the GEMM. Every point p keeps a small state:
//   own   the sum of its distances to its own cluster, so far;
//   b     the smallest mean distance to another cluster, so far;
//   carry the partial sum for the cluster that continues into the next block.
// A run that is a whole cluster gives its mean at once (folded into b with
// min, which does not depend on order); the pieces of a cluster that spans
// blocks meet in `carry`, which is only ever one cluster because the blocks
// reach a point in increasing order: point p of block J gets blocks 0 .. J-1
// from the columns of the tiles (0, J) .. (J-1, J), then blocks J .. nb-1 from
// the rows of the tiles (J, J) .. (J, nb-1). Each fold waits for its turn
// (fold_turns), so every sum is taken in one fixed order, in double, whatever
// the number of threads, without a barrier between strips.
//
// Work: n^2 d flop in GEMM (half of all pairs) plus the diagonal tiles.
// Memory beyond the copy of x: 3 doubles per point of state, the runs (k + n /
// kBlock), and per thread a kGroup kBlock x kBlock float tile (one tile and a
// packed column block with the tile kernel) and a record per
// row and column of a tile: O(n + k + tile), independent of k per point, so
// k = 10^5 clusters costs nothing more.
//
// Euclidean distances come from ||x||^2 + ||y||^2 - 2 x.y on centred data;
// where the result is small next to the norms (near duplicates) the
// cancellation would be amplified by the square root, so those pairs are
// recomputed directly from the coordinates (exactly 0 for duplicates).

#include "cpu/silhouette_exact.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <thread>
#include <utility>

#include "core/row_prep.hpp"
#include "core/validate.hpp"
#include "cpu/blas.hpp"
#include "cpu/cpu_ops.hpp"
#include "cpu/distance_tile.hpp"
#include "cpu/knn_tile_gemm.hpp"
#include "cpu/silhouette_simplified.hpp"
#include "embed_metrics/resources.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace embed_metrics::cpu {
namespace {

// Whole panels of cpu/knn_tile_gemm (and of its 8 rows), so that its tiles
// need no padded columns; one size for both paths, so that the sums, taken
// per block, come in the same order with the kernel as with the BLAS.
constexpr std::int64_t kBlock = 288;
static_assert(kBlock % kTilePanel == 0 && kBlock % 8 == 0, "blocks of whole panels");
// Row blocks per GEMM (see process_item).
constexpr std::int64_t kGroup = 4;
// Euclidean pairs with d^2 < kRecompute * (||x||^2 + ||y||^2) are recomputed
// from the coordinates: above it, float cancellation errs by at most about
// 2^-24 * 4 / kRecompute relative in d^2 (below 1e-5 relative in d).
constexpr float kRecompute = 1.0f / 32.0f;
constexpr int kLanes = 8;

struct run {
  std::int32_t cluster;
  std::int32_t begin;  // positions relative to the block
  std::int32_t end;
  bool cont_prev;  // the cluster has points before this block
  bool cont_next;  // the cluster has points after this block
};

struct block_info {
  std::int64_t first = 0;  // rows: positions first .. first + rows - 1
  std::int64_t rows = 0;
  std::size_t run_begin = 0;  // into the run list
  std::size_t run_end = 0;
};

// What one block contributes to one point.
struct record {
  double own = 0.0;
  double min_complete = std::numeric_limits<double>::infinity();
  double s_first = 0.0;  // the first run, when it continues from the previous block
  double s_last = 0.0;   // the last run, when it starts in this block and continues
};

struct point_state {
  double* own;
  double* b;
  double* carry;
};

// sum over j < len of term(j) in double with kLanes fixed partial sums
// (vectorisable, fixed order).
template <class Term>
inline double lane_sum(std::int64_t len, Term term) {
  double acc[kLanes] = {};
  std::int64_t j = 0;
  for (; j + kLanes <= len; j += kLanes)
    for (int l = 0; l < kLanes; ++l) acc[l] += term(j + l);
  double tail = 0.0;
  for (; j < len; ++j) tail += term(j);
  return (((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]))) +
         tail;
}

// ||a - b||^2 in double from the coordinates.
inline float direct_sqdist(const float* a, const float* b, std::int64_t d) {
  return static_cast<float>(lane_sum(d, [&](std::int64_t j) {
    const double t = static_cast<double>(a[j]) - static_cast<double>(b[j]);
    return t * t;
  }));
}

inline void classify(record& r, const run& u, double s, std::int32_t own, const double* inv_size) {
  if (u.cluster == own) {
    r.own += s;
  } else if (!u.cont_prev && !u.cont_next) {
    r.min_complete = std::min(r.min_complete, s * inv_size[u.cluster]);
  } else if (u.cont_prev) {
    r.s_first = s;
  } else {
    r.s_last = s;
  }
}

// Fold the record of block `blk` into the state of point p (own cluster `own`).
inline void apply(const point_state& st, std::int64_t p, const record& r, const run* runs,
                  std::size_t count, std::int32_t own, const double* inv_size) {
  st.own[p] += r.own;
  double b = std::min(st.b[p], r.min_complete);
  const run& f = runs[0];
  if (f.cont_prev && f.cluster != own) {
    st.carry[p] += r.s_first;
    if (!f.cont_next) {
      b = std::min(b, st.carry[p] * inv_size[f.cluster]);
      st.carry[p] = 0.0;
    }
  }
  const run& l = runs[count - 1];
  if (l.cont_next && !l.cont_prev && l.cluster != own) st.carry[p] = r.s_last;
  st.b[p] = b;
}

struct problem {
  const float* xp;  // n x d, in cluster order, centred or normalised
  std::int64_t d;
  const float* norms;  // ||x||^2 for the GEMM epilogue (1 for cosine)
  silhouette_metric metric;
  const std::int32_t* cluster;
  const double* inv_size;
  const std::vector<block_info>* blocks;
  const std::vector<run>* runs;
};

// r[j] = sqrt(r[j]) for r[j] >= 0. std::sqrt loops do not vectorise while
// math-errno is on (the default), although no argument here is negative.
inline void sqrt_in_place(float* r, std::int64_t len) {
  std::int64_t j = 0;
#if defined(__SSE2__)
  for (; j + 4 <= len; j += 4) _mm_storeu_ps(r + j, _mm_sqrt_ps(_mm_loadu_ps(r + j)));
#endif
  for (; j < len; ++j) r[j] = std::sqrt(r[j]);
}

// Row i of a tile of -2 x.y products into the metric's distances, in place:
// the clamped ||x||^2 + ||y||^2 - 2 x.y, an exact 0 for the point itself
// (self_col, or -1), then halved (cosine) or, for euclidean, near pairs
// recomputed from the coordinates and the square root taken.
inline void row_to_metric(const problem& pb, const block_info& bj, std::int64_t p, float* r,
                          std::int64_t self_col) {
  const float xn = pb.norms[p];
  const float* yn = pb.norms + bj.first;
  const std::int64_t len = bj.rows;
  for (std::int64_t j = 0; j < len; ++j) r[j] = std::max(r[j] + xn + yn[j], 0.0f);
  if (self_col >= 0) r[self_col] = 0.0f;
  if (pb.metric == silhouette_metric::sqeuclidean) return;
  if (pb.metric == silhouette_metric::cosine) {
    for (std::int64_t j = 0; j < len; ++j) r[j] *= 0.5f;
    return;
  }
  int near = 0;
  for (std::int64_t j = 0; j < len; ++j) near |= static_cast<int>(r[j] < kRecompute * (xn + yn[j]));
  if (near != 0) {
    const float* xi = pb.xp + p * pb.d;
    for (std::int64_t j = 0; j < len; ++j)
      if (r[j] < kRecompute * (xn + yn[j])) r[j] = direct_sqdist(xi, pb.xp + (bj.first + j) * pb.d, pb.d);
  }
  sqrt_in_place(r, len);
}

// With the tile kernel a thread holds one tile (each row block's tile is
// processed right after its GEMM, the packed columns staying in L2 for the
// group) and the panels of one column block; with the BLAS, kGroup tiles.
struct thread_buffers {
  thread_buffers(bool packed, std::int64_t d)
      : tile(static_cast<std::size_t>((packed ? 1 : kGroup) * kBlock * kBlock)) {
    if (packed) panels.reserve(static_cast<std::size_t>(kBlock * d));
  }
  std::vector<float> tile;
  std::vector<float> panels;
  std::vector<double> colsum = std::vector<double>(static_cast<std::size_t>(kBlock));
  std::vector<record> colrec = std::vector<record>(static_cast<std::size_t>(kBlock));
  std::vector<record> rowrec = std::vector<record>(static_cast<std::size_t>(kBlock));
};

// Whose turn it is to fold into each block's state. The folds into block J
// must come in one order: the columns of tiles (0, J) .. (J-1, J), then the
// rows of tiles (J, J) .. (J, nb-1). Tiles are taken in that (strip, column)
// order, and a tile only ever waits for tiles taken before it, so the
// earliest tile in progress never waits: no deadlock, and no barrier per
// strip (with 2 threads a strip of an odd number of tiles left one thread
// idle for a tile).
struct fold_turns {
  std::vector<std::atomic<std::int64_t>> col_next;  // block J: the strip I whose columns fold next
  std::vector<std::atomic<std::int64_t>> row_next;  // block I: the tile J whose rows fold next
  explicit fold_turns(std::int64_t nb)
      : col_next(static_cast<std::size_t>(nb)), row_next(static_cast<std::size_t>(nb)) {
    for (std::int64_t b = 0; b < nb; ++b) {
      col_next[static_cast<std::size_t>(b)].store(0, std::memory_order_relaxed);
      row_next[static_cast<std::size_t>(b)].store(b, std::memory_order_relaxed);
    }
  }
};

// Wait (acquire) until turn holds want; the tile waited for is running on
// another thread and its fold is short, so spin a little, then yield the core
// (on a busy machine that thread may not be running).
inline void wait_turn(const std::atomic<std::int64_t>& turn, std::int64_t want) {
  for (int spin = 0; turn.load(std::memory_order_acquire) != want; ++spin) {
    if (spin < 64) {
#if defined(__SSE2__)
      _mm_pause();
#endif
    } else {
      std::this_thread::yield();
    }
  }
}

// Tile (I, J), J >= I, whose -2 x.y products are at t (leading dimension
// kBlock): one pass over its rows turns them into distances (in L1, just
// read), sums each row over the runs of block J and adds it to the column
// sums of its run of block I. The records fold into the state when it is
// their turn.
void process_tile(const problem& pb, std::int64_t bi_idx, std::int64_t bj_idx, float* t,
                  thread_buffers& tb, const point_state& st, fold_turns& turns) {
  const auto& blocks = *pb.blocks;
  const block_info& bi = blocks[static_cast<std::size_t>(bi_idx)];
  const block_info& bj = blocks[static_cast<std::size_t>(bj_idx)];
  const run* runs_i = pb.runs->data() + bi.run_begin;
  const run* runs_j = pb.runs->data() + bj.run_begin;
  const std::size_t nruns_i = bi.run_end - bi.run_begin;
  const std::size_t nruns_j = bj.run_end - bj.run_begin;
  const bool diagonal = bi_idx == bj_idx;

  double* cs = tb.colsum.data();
  record* cr = tb.colrec.data();
  record* rr = tb.rowrec.data();
  if (!diagonal)
    for (std::int64_t j = 0; j < bj.rows; ++j) cr[j] = record{};
  std::size_t u_i = 0;  // the run of block I that row i is in
  for (std::int64_t i = 0; i < bi.rows; ++i) {
    float* r = t + i * kBlock;
    const std::int64_t p = bi.first + i;
    row_to_metric(pb, bj, p, r, diagonal ? i : -1);
    // Rows: sums over the runs of block J.
    const std::int32_t own = pb.cluster[p];
    record out;
    for (std::size_t u = 0; u < nruns_j; ++u) {
      const run& ru = runs_j[u];
      const float* v = r + ru.begin;
      const double sum =
          lane_sum(ru.end - ru.begin, [v](std::int64_t j) { return static_cast<double>(v[j]); });
      classify(out, ru, sum, own, pb.inv_size);
    }
    rr[i] = out;
    if (diagonal) continue;
    // Columns: each summed down its run of block I in row order.
    const run& ru = runs_i[u_i];
    if (i == ru.begin) std::fill(cs, cs + bj.rows, 0.0);
    for (std::int64_t j = 0; j < bj.rows; ++j) cs[j] += static_cast<double>(r[j]);
    if (i + 1 == ru.end) {
      for (std::int64_t j = 0; j < bj.rows; ++j)
        classify(cr[j], ru, cs[j], pb.cluster[bj.first + j], pb.inv_size);
      ++u_i;
    }
  }

  if (!diagonal) {
    auto& turn = turns.col_next[static_cast<std::size_t>(bj_idx)];
    wait_turn(turn, bi_idx);
    for (std::int64_t j = 0; j < bj.rows; ++j)
      apply(st, bj.first + j, cr[j], runs_i, nruns_i, pb.cluster[bj.first + j], pb.inv_size);
    turn.store(bi_idx + 1, std::memory_order_release);
  } else {
    // The rows of block I start once every column fold into it is done.
    wait_turn(turns.col_next[static_cast<std::size_t>(bi_idx)], bi_idx);
  }
  auto& turn = turns.row_next[static_cast<std::size_t>(bi_idx)];
  wait_turn(turn, bj_idx);
  for (std::int64_t i = 0; i < bi.rows; ++i)
    apply(st, bi.first + i, rr[i], runs_j, nruns_j, pb.cluster[bi.first + i], pb.inv_size);
  turn.store(bj_idx + 1, std::memory_order_release);
}

// Work item (group g, column block J): the tiles (I, J) of the row blocks I
// of group g with I <= J, from one GEMM. A group of kGroup row blocks reads
// each column block once for all of them: the operand that streams through
// the caches was a tenth of the time with one row block per GEMM.
// With the tile kernel (packed) the column block is packed once per item and
// each row block's tile computed on its own, rows read in place.
void process_item(const problem& pb, std::int64_t group, std::int64_t bj_idx, bool packed,
                  thread_buffers& tb, const point_state& st, fold_turns& turns) {
  const auto& blocks = *pb.blocks;
  const std::int64_t first = group * kGroup;
  const std::int64_t last = std::min(first + kGroup - 1, bj_idx);
  const block_info& b0 = blocks[static_cast<std::size_t>(first)];
  const block_info& bl = blocks[static_cast<std::size_t>(last)];
  const block_info& bj = blocks[static_cast<std::size_t>(bj_idx)];
  float* t = tb.tile.data();
  if (packed) {
    pack_tile_columns(matrix_view(pb.xp + bj.first * pb.d, bj.rows, pb.d), 0, bj.rows, tb.panels);
    for (std::int64_t bi = first; bi <= last; ++bi) {
      const block_info& rows = blocks[static_cast<std::size_t>(bi)];
      tile_gemm(pb.xp + rows.first * pb.d, pb.d, rows.rows, pb.d, tb.panels, bj.rows, -2.0f, false, t,
                kBlock);
      process_tile(pb, bi, bj_idx, t, tb, st, turns);
    }
    return;
  }
  sgemm_nt_tile(bl.first + bl.rows - b0.first, bj.rows, pb.d, -2.0f, pb.xp + b0.first * pb.d, pb.d,
                pb.xp + bj.first * pb.d, pb.d, 0.0f, t, kBlock);
  for (std::int64_t bi = first; bi <= last; ++bi)
    process_tile(pb, bi, bj_idx, t + (bi - first) * kBlock * kBlock, tb, st, turns);
}

// The blocks and their runs.
void make_blocks(const detail::silhouette_plan& plan, std::vector<block_info>& blocks,
                 std::vector<run>& runs) {
  const std::int64_t n = plan.n;
  const std::int64_t nb = (n + kBlock - 1) / kBlock;
  blocks.resize(static_cast<std::size_t>(nb));
  for (std::int64_t b = 0; b < nb; ++b) {
    block_info& bi = blocks[static_cast<std::size_t>(b)];
    bi.first = b * kBlock;
    bi.rows = std::min(kBlock, n - bi.first);
    bi.run_begin = runs.size();
    std::int64_t p = bi.first;
    const std::int64_t end = bi.first + bi.rows;
    while (p < end) {
      const std::int32_t c = plan.cluster[static_cast<std::size_t>(p)];
      const std::int64_t c0 = plan.start[static_cast<std::size_t>(c)];
      const std::int64_t c1 = plan.start[static_cast<std::size_t>(c) + 1];
      const std::int64_t e = std::min(c1, end);
      runs.push_back({c, static_cast<std::int32_t>(p - bi.first),
                      static_cast<std::int32_t>(e - bi.first), c0 < bi.first, c1 > end});
      p = e;
    }
    bi.run_end = runs.size();
  }
}

// The n x d copy, uninitialised (prepare writes every element): the zeroing
// of a vector was a pass of its own, and on Linux it asks for transparent huge
// pages, since faulting in the fresh 4 KiB pages of a 20 MB copy cost about 4%
// of the W1 silhouette.
std::unique_ptr<float[]> copy_buffer(std::size_t count) {
  std::unique_ptr<float[]> buf(new float[count]);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  const auto begin = reinterpret_cast<std::uintptr_t>(buf.get());
  const std::uintptr_t end = begin + count * sizeof(float);
  const std::uintptr_t first = (begin + kHuge - 1) & ~(kHuge - 1);
  if (end > first + kHuge)
    static_cast<void>(madvise(reinterpret_cast<void*>(first), (end - first) & ~(kHuge - 1), MADV_HUGEPAGE));
#endif
  return buf;
}

// Copy x in cluster order in the frame of core/row_prep (euclidean,
// sqeuclidean: centred and scaled by a power of two, so distances keep their
// ratios and the cancellation in the GEMM form shrinks; cosine: unit rows),
// and the squared norms the tiles need.
std::unique_ptr<float[]> prepare(matrix_view x, const detail::silhouette_plan& plan,
                                 silhouette_metric metric, const detail::row_frame& frame,
                                 int threads, std::vector<float>& norms) {
  const std::int64_t n = plan.n;
  const std::int64_t d = x.cols;
  std::unique_ptr<float[]> xp = copy_buffer(static_cast<std::size_t>(n * d));
  norms.resize(static_cast<std::size_t>(n));
  float* out = xp.get();
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::int64_t p = 0; p < n; ++p)
    static_cast<void>(detail::prepare_row(x.row(plan.source_row[static_cast<std::size_t>(p)]), d,
                                          frame, out + p * d));
  if (metric == silhouette_metric::cosine) {
    // 1 - cos = (1 + 1 - 2 x.y) / 2, zero rows too.
    std::fill(norms.begin(), norms.end(), 1.0f);
  } else {
    row_sqnorms(matrix_view(out, n, d), norms.data(), threads);
  }
  return xp;
}

}  // namespace

void silhouette_sums(matrix_view x, const detail::silhouette_plan& plan, silhouette_metric metric,
                     const detail::row_frame& frame, int threads, std::vector<double>& own_sum,
                     std::vector<double>& b, bool allow_tile_kernel) {
  const std::int64_t n = plan.n;
  threads = std::max(1, threads);
  std::vector<float> norms;
  const std::unique_ptr<float[]> xp = prepare(x, plan, metric, frame, threads, norms);

  std::vector<block_info> blocks;
  std::vector<run> runs;
  make_blocks(plan, blocks, runs);
  std::vector<double> inv_size(static_cast<std::size_t>(plan.k));
  for (std::int64_t c = 0; c < plan.k; ++c)
    inv_size[static_cast<std::size_t>(c)] = 1.0 / static_cast<double>(plan.size_of(c));

  own_sum.assign(static_cast<std::size_t>(n), 0.0);
  b.assign(static_cast<std::size_t>(n), std::numeric_limits<double>::infinity());
  std::vector<double> carry(static_cast<std::size_t>(n), 0.0);
  const point_state st{own_sum.data(), b.data(), carry.data()};
  const auto nb = static_cast<std::int64_t>(blocks.size());
  const problem pb{xp.get(), x.cols,          norms.data(), metric, plan.cluster.data(),
                   inv_size.data(), &blocks, &runs};

  // The work items in (group, column) order: the tiles in (strip, column)
  // order, which fold_turns relies on.
  std::vector<std::pair<std::int32_t, std::int32_t>> items;
  for (std::int64_t g = 0; g * kGroup < nb; ++g)
    for (std::int64_t bj = g * kGroup; bj < nb; ++bj)
      items.emplace_back(static_cast<std::int32_t>(g), static_cast<std::int32_t>(bj));
  fold_turns turns(nb);
  std::atomic<std::size_t> next_item{0};

  // Each thread's buffers are allocated before the region: an allocation
  // failure inside it could not leave it (std::terminate).
  const bool packed = allow_tile_kernel && tile_gemm_available();
  std::vector<thread_buffers> buffers;
  buffers.reserve(static_cast<std::size_t>(threads));
  for (int th = 0; th < threads; ++th) buffers.emplace_back(packed, x.cols);
  const single_threaded_blas one_blas_thread;
#pragma omp parallel num_threads(threads)
  {
    thread_buffers& tb = buffers[static_cast<std::size_t>(omp_get_thread_num())];
    for (std::size_t w = next_item.fetch_add(1, std::memory_order_relaxed); w < items.size();
         w = next_item.fetch_add(1, std::memory_order_relaxed))
      process_item(pb, items[w].first, items[w].second, packed, tb, st, turns);
  }
}

// CPU silhouette passes: the points are gathered into the frame of the rows
// scored (core/row_prep.hpp; a sample's rows alone).
namespace {

detail::row_frame frame_of(const resources& res, matrix_view x, const detail::silhouette_plan& plan,
                           silhouette_metric metric) {
  return detail::fit_row_frame(x,
                               metric == silhouette_metric::cosine
                                   ? detail::row_geometry::cosine
                                   : detail::row_geometry::euclidean,
                               detail::zero_row_policy::keep, res.threads(), {},
                               plan.n == x.rows ? nullptr : &plan.source_row);
}

class silhouette final : public detail::silhouette_ops {
 public:
  void sums(const resources& res, matrix_view x, const detail::silhouette_plan& plan,
            silhouette_metric metric, std::vector<double>& own_sum,
            std::vector<double>& b) const override {
    detail::check_host(x, "embeddings", res);
    silhouette_sums(x, plan, metric, frame_of(res, x, plan, metric), res.threads(), own_sum, b);
  }

  void centroid_distances(const resources& res, matrix_view x, const detail::silhouette_plan& plan,
                          silhouette_metric metric, std::vector<double>& a,
                          std::vector<double>& b) const override {
    detail::check_host(x, "embeddings", res);
    silhouette_centroid_distances(x, plan, metric, frame_of(res, x, plan, metric), res.threads(), a,
                                  b);
  }
};

}  // namespace

const detail::silhouette_ops& silhouette_operations() {
  static const silhouette ops;
  return ops;
}

}  // namespace embed_metrics::cpu
