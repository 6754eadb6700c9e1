// Exact silhouette on the CPU.
//
// The points are copied in cluster order (detail::silhouette_plan), so that
// every cluster is a contiguous range of positions, and cut into blocks of
// kBlock positions. Each block is a list of runs (the pieces of the clusters
// it holds); a run that starts before the block or ends after it is
// "incomplete".
//
// Only the tiles (I, J) with J >= I are computed: one sqdist_tile GEMM each.
// A tile serves twice: its rows (points of block I) get their sums over the
// runs of block J, and for J > I its columns (points of block J) get their
// sums over the runs of block I. Every point p keeps a small state:
//   own   the sum of its distances to its own cluster, so far;
//   b     the smallest mean distance to another cluster, so far;
//   carry the partial sum for the cluster that continues into the next block.
// A run that is a whole cluster gives its mean at once (folded into b with
// min, which does not depend on order); the pieces of a cluster that spans
// blocks meet in `carry`, which is only ever one cluster because the blocks
// reach a point in increasing order: point p of block J gets blocks 0 .. J-1
// from the columns of the tiles (0, J) .. (J-1, J), in the strips 0 .. J-1,
// then blocks J .. nb-1 from the rows of its own strip. So every sum is taken
// in one fixed order, in double, whatever the number of threads; no atomics.
//
// Work: n^2 d flop in GEMM (half of all pairs) plus the diagonal tiles.
// Memory beyond the copy of x: 3 doubles per point of state, one record of 4
// doubles per point for the rows of the current strip, the runs (k + n /
// kBlock), and per thread one kBlock x kBlock float tile: O(n + k + tile),
// independent of k per point, so k = 10^5 clusters costs nothing more.
//
// Euclidean distances come from ||x||^2 + ||y||^2 - 2 x.y on centred data;
// where the result is small next to the norms (near duplicates) the
// cancellation would be amplified by the square root, so those pairs are
// recomputed directly from the coordinates (exactly 0 for duplicates).

#include "cpu/silhouette_exact.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "core/row_prep.hpp"
#include "core/validate.hpp"
#include "cpu/cpu_ops.hpp"
#include "cpu/distance_tile.hpp"
#include "cpu/silhouette_simplified.hpp"
#include "embed_metrics/resources.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace embed_metrics::cpu {
namespace {

constexpr std::int64_t kBlock = 256;
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

// Sum in double with kLanes fixed partial sums (vectorisable, fixed order).
inline double lane_sum(const float* v, std::int64_t len) {
  double acc[kLanes] = {};
  std::int64_t j = 0;
  for (; j + kLanes <= len; j += kLanes)
    for (int l = 0; l < kLanes; ++l) acc[l] += static_cast<double>(v[j + l]);
  double tail = 0.0;
  for (; j < len; ++j) tail += static_cast<double>(v[j]);
  return (((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]))) +
         tail;
}

// ||a - b||^2 in double from the coordinates.
inline float direct_sqdist(const float* a, const float* b, std::int64_t d) {
  double acc[kLanes] = {};
  std::int64_t j = 0;
  for (; j + kLanes <= d; j += kLanes)
    for (int l = 0; l < kLanes; ++l) {
      const double t = static_cast<double>(a[j + l]) - static_cast<double>(b[j + l]);
      acc[l] += t * t;
    }
  double tail = 0.0;
  for (; j < d; ++j) {
    const double t = static_cast<double>(a[j]) - static_cast<double>(b[j]);
    tail += t * t;
  }
  return static_cast<float>(
      (((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]))) + tail);
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

// Turn a clamped squared-distance tile into the metric's distances.
void to_metric(const problem& pb, const block_info& bi, const block_info& bj, float* t) {
  const std::int64_t ld = kBlock;
  if (pb.metric == silhouette_metric::sqeuclidean) return;
  if (pb.metric == silhouette_metric::cosine) {
    for (std::int64_t i = 0; i < bi.rows; ++i)
      for (std::int64_t j = 0; j < bj.rows; ++j) t[i * ld + j] *= 0.5f;
    return;
  }
  const float* yn = pb.norms + bj.first;
  for (std::int64_t i = 0; i < bi.rows; ++i) {
    float* r = t + i * ld;
    const float xn = pb.norms[bi.first + i];
    int near = 0;
    for (std::int64_t j = 0; j < bj.rows; ++j) near |= static_cast<int>(r[j] < kRecompute * (xn + yn[j]));
    if (near != 0) {
      const float* xi = pb.xp + (bi.first + i) * pb.d;
      for (std::int64_t j = 0; j < bj.rows; ++j)
        if (r[j] < kRecompute * (xn + yn[j]))
          r[j] = direct_sqdist(xi, pb.xp + (bj.first + j) * pb.d, pb.d);
    }
    sqrt_in_place(r, bj.rows);
  }
}

struct thread_buffers {
  std::vector<float> tile = std::vector<float>(static_cast<std::size_t>(kBlock * kBlock));
  std::vector<double> colsum = std::vector<double>(static_cast<std::size_t>(kBlock));
  std::vector<record> colrec = std::vector<record>(static_cast<std::size_t>(kBlock));
};

// Tile (I, J), J >= I: row records into rec (indexed by J * kBlock + row),
// and for J > I the columns folded straight into the state of block J.
void process_tile(const problem& pb, std::int64_t bi_idx, std::int64_t bj_idx, thread_buffers& tb,
                  record* rec, const point_state& st) {
  const auto& blocks = *pb.blocks;
  const block_info& bi = blocks[static_cast<std::size_t>(bi_idx)];
  const block_info& bj = blocks[static_cast<std::size_t>(bj_idx)];
  const run* runs_i = pb.runs->data() + bi.run_begin;
  const run* runs_j = pb.runs->data() + bj.run_begin;
  const std::size_t nruns_i = bi.run_end - bi.run_begin;
  const std::size_t nruns_j = bj.run_end - bj.run_begin;
  float* t = tb.tile.data();
  const matrix_view xi(pb.xp + bi.first * pb.d, bi.rows, pb.d);
  const matrix_view xj(pb.xp + bj.first * pb.d, bj.rows, pb.d);
  sqdist_tile(xi, pb.norms + bi.first, xj, pb.norms + bj.first, t, kBlock, 1,
              {bi_idx == bj_idx, bi.first, bj.first});
  to_metric(pb, bi, bj, t);

  // Rows: sums over the runs of block J.
  for (std::int64_t i = 0; i < bi.rows; ++i) {
    const float* r = t + i * kBlock;
    const std::int32_t own = pb.cluster[bi.first + i];
    record out;
    for (std::size_t u = 0; u < nruns_j; ++u) {
      const run& ru = runs_j[u];
      classify(out, ru, lane_sum(r + ru.begin, ru.end - ru.begin), own, pb.inv_size);
    }
    rec[bj_idx * kBlock + i] = out;
  }
  if (bi_idx == bj_idx) return;

  // Columns: sums over the runs of block I, each column summed down in row order.
  double* cs = tb.colsum.data();
  record* cr = tb.colrec.data();
  for (std::int64_t j = 0; j < bj.rows; ++j) cr[j] = record{};
  for (std::size_t u = 0; u < nruns_i; ++u) {
    const run& ru = runs_i[u];
    std::fill(cs, cs + bj.rows, 0.0);
    for (std::int64_t i = ru.begin; i < ru.end; ++i) {
      const float* r = t + i * kBlock;
      for (std::int64_t j = 0; j < bj.rows; ++j) cs[j] += static_cast<double>(r[j]);
    }
    for (std::int64_t j = 0; j < bj.rows; ++j)
      classify(cr[j], ru, cs[j], pb.cluster[bj.first + j], pb.inv_size);
  }
  for (std::int64_t j = 0; j < bj.rows; ++j)
    apply(st, bj.first + j, cr[j], runs_i, nruns_i, pb.cluster[bj.first + j], pb.inv_size);
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

// Copy x in cluster order in the frame of core/row_prep (euclidean,
// sqeuclidean: centred and scaled by a power of two, so distances keep their
// ratios and the cancellation in the GEMM form shrinks; cosine: unit rows),
// and the squared norms the tiles need.
void prepare(matrix_view x, const detail::silhouette_plan& plan, silhouette_metric metric,
             const detail::row_frame& frame, int threads, std::vector<float>& xp,
             std::vector<float>& norms) {
  const std::int64_t n = plan.n;
  const std::int64_t d = x.cols;
  xp.resize(static_cast<std::size_t>(n * d));
  norms.resize(static_cast<std::size_t>(n));
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::int64_t p = 0; p < n; ++p)
    static_cast<void>(detail::prepare_row(x.row(plan.source_row[static_cast<std::size_t>(p)]), d,
                                          frame, xp.data() + p * d));
  if (metric == silhouette_metric::cosine) {
    // 1 - cos = (1 + 1 - 2 x.y) / 2, zero rows too.
    std::fill(norms.begin(), norms.end(), 1.0f);
    return;
  }
  row_sqnorms(matrix_view(xp.data(), n, d), norms.data(), threads);
}

}  // namespace

void silhouette_sums(matrix_view x, const detail::silhouette_plan& plan, silhouette_metric metric,
                     const detail::row_frame& frame, int threads, std::vector<double>& own_sum,
                     std::vector<double>& b) {
  const std::int64_t n = plan.n;
  threads = std::max(1, threads);
  std::vector<float> xp;
  std::vector<float> norms;
  prepare(x, plan, metric, frame, threads, xp, norms);

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
  std::vector<record> rec(static_cast<std::size_t>(nb * kBlock));
  const problem pb{xp.data(), x.cols,       norms.data(), metric, plan.cluster.data(),
                   inv_size.data(), &blocks, &runs};

  // Each thread's buffers are allocated before the region: an allocation
  // failure inside it could not leave it (std::terminate).
  std::vector<thread_buffers> buffers(static_cast<std::size_t>(threads));
#pragma omp parallel num_threads(threads)
  {
    thread_buffers& tb = buffers[static_cast<std::size_t>(omp_get_thread_num())];
    for (std::int64_t bi = 0; bi < nb; ++bi) {
      // The tiles of strip bi touch disjoint state (the columns of block bj)
      // and disjoint records.
#pragma omp for schedule(dynamic, 1)
      for (std::int64_t bj = bi; bj < nb; ++bj) process_tile(pb, bi, bj, tb, rec.data(), st);
      // Then the rows of block bi take blocks bi .. nb-1 in order.
      const block_info& row_block = blocks[static_cast<std::size_t>(bi)];
#pragma omp for schedule(static)
      for (std::int64_t i = 0; i < row_block.rows; ++i) {
        const std::int64_t p = row_block.first + i;
        const std::int32_t own = plan.cluster[static_cast<std::size_t>(p)];
        for (std::int64_t bj = bi; bj < nb; ++bj) {
          const block_info& cb = blocks[static_cast<std::size_t>(bj)];
          apply(st, p, rec[static_cast<std::size_t>(bj * kBlock + i)], runs.data() + cb.run_begin,
                cb.run_end - cb.run_begin, own, inv_size.data());
        }
      }
    }
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
