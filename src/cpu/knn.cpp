#include "cpu/knn.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <mutex>
#include <utility>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "cpu/blas.hpp"
#include "cpu/cpu_ops.hpp"
#include "cpu/distance_tile.hpp"  // row_sqnorms
#include "cpu/knn_tile_gemm.hpp"
#include "cpu/simd.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::cpu {
namespace {

// Square tiles of kBlock x kBlock pairs (0.9 MiB of float32): the GEMM that
// writes a tile and the selection that reads it stay in a core's L2, and the
// block is whole panels of tile_gemm (kTilePanel) and of its rows (8). The
// tiling depends on n alone, so every pair's float32 value, and with it the
// candidate lists, are the same for any thread count.
constexpr std::int64_t kBlock = 480;
static_assert(kBlock % kTilePanel == 0 && kBlock % 8 == 0, "tiles of whole panels");

// Selection prefilter width: a run of columns is looked at one by one only
// when some pair in it may enter a list.
constexpr std::int64_t kRun = 8;

// The slot of an empty list entry: after every real candidate in the
// (value, index) order.
constexpr std::int64_t kNoIndex = std::numeric_limits<std::int64_t>::max();

// (v, j) comes before (w, i): smaller value, equal values by smaller index.
// A total order, so the lists kept are the same whatever order the tiles
// arrive in.
inline bool before(float v, std::int64_t j, float w, std::int64_t i) {
  return v < w || (v == w && j < i);
}

// The cap best candidates of one row, sorted by (value, index); worst mirrors
// vals[cap - 1] in an array of its own, read by the vectorised prefilter.
struct row_lists {
  std::int64_t cap;
  float* vals;
  std::int64_t* ids;
  float* worst;

  // Offers (v, j) to row i's list.
  void offer(std::int64_t i, float v, std::int64_t j) const {
    float* rv = vals + i * cap;
    std::int64_t* ri = ids + i * cap;
    if (!before(v, j, rv[cap - 1], ri[cap - 1])) return;
    std::int64_t p = cap - 1;
    while (p > 0 && before(v, j, rv[p - 1], ri[p - 1])) {
      rv[p] = rv[p - 1];
      ri[p] = ri[p - 1];
      --p;
    }
    rv[p] = v;
    ri[p] = j;
    worst[i] = rv[cap - 1];
  }
};

// Selection over one tile: t (rows x cols, leading dimension ldt) holds
// alpha x_i.y_j for points r0 + i and c0 + j; the pair's value is
// (base[r0 + i] + base[c0 + j]) + t. Every pair is offered to the row list of
// r0 + i and to that of c0 + j. A diagonal tile (r0 == c0) holds each pair
// twice, so there only its entries above the diagonal are read (tile_gemm
// skips the panels wholly below it).
//
// Almost every pair enters no list, so the tile is first screened with a
// cheap test, value <= the list's current worst, on its row's and its
// column's side; only the pairs that pass it get the exact (value, index)
// test. The screens below compute the same float sums as the exact test (adds
// and compares only, no contraction), so their choice of pairs, and the lists,
// are the same whichever one the CPU runs.

// Offers a pair that passed the screen to the lists that want it.
inline void offer_pair(const row_lists& lists, std::int64_t gi, std::int64_t gj, float v,
                       const float* cw_j) {
  if (v <= lists.worst[gi]) lists.offer(gi, v, gj);
  if (v <= *cw_j) lists.offer(gj, v, gi);
}

// The portable screen, kRun columns at a time.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
void select_tile_portable(const float* t, std::int64_t ldt, std::int64_t r0, std::int64_t rows,
                          std::int64_t c0, std::int64_t cols, const float* base,
                          const row_lists& lists) {
  const bool diagonal = r0 == c0;
  const float* cb = base + c0;
  const float* cw = lists.worst + c0;
  for (std::int64_t i = 0; i < rows; ++i) {
    const std::int64_t gi = r0 + i;
    const float* ti = t + i * ldt;
    const float bi = base[gi];
    for (std::int64_t j0 = diagonal ? i + 1 : 0; j0 < cols; j0 += kRun) {
      const std::int64_t j1 = std::min(cols, j0 + kRun);
      // <= keeps equal values, which the exact (value, index) test decides.
      const float wi = lists.worst[gi];
      int any = 0;
      for (std::int64_t j = j0; j < j1; ++j) {
        const float v = bi + cb[j] + ti[j];
        any |= (v <= wi) | (v <= cw[j]);
      }
      if (!any) continue;
      for (std::int64_t j = j0; j < j1; ++j) offer_pair(lists, gi, c0 + j, bi + cb[j] + ti[j], cw + j);
    }
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
// The AVX-512 screen: 16 columns per step, the passing ones as a bit mask, so
// the exact test visits only those (no branch per column).
__attribute__((target("avx512f"))) void select_tile_avx512(
    const float* t, std::int64_t ldt, std::int64_t r0, std::int64_t rows, std::int64_t c0,
    std::int64_t cols, const float* base, const row_lists& lists) {
  const bool diagonal = r0 == c0;
  const float* cb = base + c0;
  const float* cw = lists.worst + c0;
  for (std::int64_t i = 0; i < rows; ++i) {
    const std::int64_t gi = r0 + i;
    const float* ti = t + i * ldt;
    const float bi = base[gi];
    const __m512 vbi = _mm512_set1_ps(bi);
    const std::int64_t first = diagonal ? i + 1 : 0;
    for (std::int64_t j0 = first - first % 16; j0 < cols; j0 += 16) {
      const std::int64_t left = cols - j0;
      __mmask16 lanes =
          left >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << left) - 1u);
      if (j0 < first) lanes &= static_cast<__mmask16>(0xFFFFu << (first - j0));
      const __m512 v = _mm512_add_ps(_mm512_add_ps(vbi, _mm512_maskz_loadu_ps(lanes, cb + j0)),
                                     _mm512_maskz_loadu_ps(lanes, ti + j0));
      const __mmask16 pass =
          _mm512_mask_cmp_ps_mask(lanes, v, _mm512_set1_ps(lists.worst[gi]), _CMP_LE_OQ) |
          _mm512_mask_cmp_ps_mask(lanes, v, _mm512_maskz_loadu_ps(lanes, cw + j0), _CMP_LE_OQ);
      for (unsigned m = pass; m != 0; m &= m - 1u) {
        const std::int64_t j = j0 + __builtin_ctz(m);
        offer_pair(lists, gi, c0 + j, bi + cb[j] + ti[j], cw + j);
      }
    }
  }
}
#endif

using select_fn = void (*)(const float*, std::int64_t, std::int64_t, std::int64_t, std::int64_t,
                           std::int64_t, const float*, const row_lists&);

// Chosen once from the CPU's features.
select_fn select_tile_for_cpu() {
#if defined(__x86_64__) && defined(__GNUC__)
  if (has_avx512f()) return select_tile_avx512;
#endif
  return select_tile_portable;
}

// sum over t of (a[t] - b[t])^2, or of a[t] b[t], in double, in four
// interleaved partial sums (a fixed order, so the same bits on every
// machine): one chain of dependent additions would leave the refinement
// bound by the adder's latency.
template <bool kSquaredDifference>
inline double term(double p, double q) {
  return kSquaredDifference ? (p - q) * (p - q) : p * q;
}

template <bool kSquaredDifference>
double sum4(const float* a, const float* b, std::int64_t d) {
  double s[4] = {0.0, 0.0, 0.0, 0.0};
  std::int64_t t = 0;
  for (; t + 4 <= d; t += 4)
    for (int l = 0; l < 4; ++l) s[l] += term<kSquaredDifference>(a[t + l], b[t + l]);
  for (; t < d; ++t) s[0] += term<kSquaredDifference>(a[t], b[t]);
  return (s[0] + s[1]) + (s[2] + s[3]);
}

// sum4's order with its four partial sums as the lanes of one AVX2 register
// of doubles: the same operations on the same values (no fused multiply-add:
// FMA is not enabled here), so the same bits as the portable loop.
#if defined(__x86_64__) && defined(__GNUC__)
template <bool kSquaredDifference>
__attribute__((target("avx2"))) double sum4_avx2(const float* a, const float* b,
                                                 std::int64_t d) {
  __m256d acc = _mm256_setzero_pd();
  std::int64_t t = 0;
  for (; t + 4 <= d; t += 4) {
    const __m256d p = _mm256_cvtps_pd(_mm_loadu_ps(a + t));
    const __m256d q = _mm256_cvtps_pd(_mm_loadu_ps(b + t));
    if constexpr (kSquaredDifference) {
      const __m256d e = _mm256_sub_pd(p, q);
      acc = _mm256_add_pd(acc, _mm256_mul_pd(e, e));
    } else {
      acc = _mm256_add_pd(acc, _mm256_mul_pd(p, q));
    }
  }
  alignas(32) double s[4];
  _mm256_store_pd(s, acc);
  for (; t < d; ++t) s[0] += term<kSquaredDifference>(a[t], b[t]);
  return (s[0] + s[1]) + (s[2] + s[3]);
}
#endif

// sum4 on this CPU: the AVX2 form where it runs.
template <bool kSquaredDifference>
double refine_sum(const float* a, const float* b, std::int64_t d) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (has_avx2()) return sum4_avx2<kSquaredDifference>(a, b, d);
#endif
  return sum4<kSquaredDifference>(a, b, d);
}

}  // namespace

void knn_select(matrix_view x, std::int64_t cap, knn_metric metric, int threads,
                std::vector<std::int64_t>& idx, bool allow_tile_kernel) {
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  threads = std::max(1, threads);
  idx.assign(static_cast<std::size_t>(n * cap), kNoIndex);
  if (cap <= 0 || n == 0) {
    idx.clear();
    return;
  }
  std::vector<float> best(static_cast<std::size_t>(n * cap), std::numeric_limits<float>::infinity());
  std::vector<float> worst(static_cast<std::size_t>(n), std::numeric_limits<float>::infinity());
  const row_lists lists{cap, best.data(), idx.data(), worst.data()};

  // x comes prepared by core/row_prep: centred and scaled, or (cosine) with
  // unit rows, zero rows left zero.
  // Euclidean: ||x_i||^2 + ||x_j||^2 - 2 x_i.x_j. Cosine: 1 - x_i.x_j of unit
  // rows, as 1/2 + 1/2 - x_i.x_j (both halves exact in float32).
  std::vector<float> base(static_cast<std::size_t>(n), 0.5f);
  const bool cosine = metric == knn_metric::cosine;
  if (!cosine) row_sqnorms(x, base.data(), threads);
  const float alpha = cosine ? -1.0f : -2.0f;

  // Each pair once: the tiles (bi, bj) with bi <= bj of the block grid. A
  // thread takes a whole block column bj (the tiles (bj, bj), (bj - 1, bj),
  // ..., (0, bj)), the longest columns first, so that the column's points are
  // packed once for all its tiles (tile_gemm); two threads' tiles then share
  // a block only for a moment. A tile updates the lists of its two blocks
  // under their locks; the (value, index) order makes the lists independent
  // of which thread got there first. The clamp and exact self zero of
  // cpu::sqdist_tile are not needed: a diagonal tile reads only j > i, so the
  // self pair is never offered, and the kept candidates are re-measured in
  // knn_refine.
  const std::int64_t blocks = (n + kBlock - 1) / kBlock;
  std::vector<std::mutex> locks(static_cast<std::size_t>(blocks));
  const bool packed = allow_tile_kernel && tile_gemm_available();

  // Each thread's tile and panels are allocated before the region: an
  // allocation failure inside it could not leave it (std::terminate).
  const auto team = static_cast<std::size_t>(threads);
  std::vector<std::vector<float>> thread_tiles(
      team, std::vector<float>(static_cast<std::size_t>(kBlock * kBlock)));
  std::vector<std::vector<float>> thread_panels(
      team, std::vector<float>(static_cast<std::size_t>(packed ? kBlock * d : 0)));
  static const select_fn select_tile = select_tile_for_cpu();
  const single_threaded_blas blas_scope;
#pragma omp parallel num_threads(threads)
  {
    const auto me = static_cast<std::size_t>(omp_get_thread_num());
    std::vector<float>& tile = thread_tiles[me];
    std::vector<float>& panels = thread_panels[me];
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t task = 0; task < blocks; ++task) {
      const std::int64_t bj = blocks - 1 - task;
      const std::int64_t c0 = bj * kBlock;
      const std::int64_t cols = std::min(kBlock, n - c0);
      if (packed) pack_tile_columns(x, c0, cols, panels);
      for (std::int64_t bi = bj; bi >= 0; --bi) {
        const std::int64_t r0 = bi * kBlock;
        const std::int64_t rows = std::min(kBlock, n - r0);
        if (packed)
          tile_gemm(x.row(r0), x.ld(), rows, d, panels, cols, alpha, bi == bj, tile.data(),
                    kBlock);
        else
          sgemm_nt_tile(rows, cols, d, alpha, x.row(r0), x.ld(), x.row(c0), x.ld(), 0.0f,
                        tile.data(), kBlock);
        if (bi == bj) {
          const std::lock_guard<std::mutex> lock(locks[static_cast<std::size_t>(bi)]);
          select_tile(tile.data(), kBlock, r0, rows, c0, cols, base.data(), lists);
        } else {
          const std::scoped_lock lock(locks[static_cast<std::size_t>(bi)],
                                      locks[static_cast<std::size_t>(bj)]);
          select_tile(tile.data(), kBlock, r0, rows, c0, cols, base.data(), lists);
        }
      }
    }
  }
  for (auto& j : idx)
    if (j == kNoIndex) j = -1;
}

knn_result knn_refine(matrix_view x, std::int64_t k, std::int64_t cap, knn_metric metric,
                      const std::int64_t* idx, int threads) {
  const std::int64_t n = x.rows;
  const std::int64_t d = x.cols;
  knn_result out;
  out.n = n;
  out.k = k;
  out.indices.resize(static_cast<std::size_t>(n * k));
  out.distances.resize(static_cast<std::size_t>(n * k));
  std::vector<double> sqnorm;
  if (metric == knn_metric::cosine) {
    sqnorm.resize(static_cast<std::size_t>(n));
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
      const float* r = x.row(i);
      double s = 0.0;
      for (std::int64_t c = 0; c < d; ++c) s += static_cast<double>(r[c]) * r[c];
      sqnorm[static_cast<std::size_t>(i)] = s;
    }
  }
  threads = std::max(1, threads);
  using candidate = std::pair<double, std::int64_t>;
  std::vector<std::vector<candidate>> cands(  // before the region, as above
      static_cast<std::size_t>(threads), std::vector<candidate>(static_cast<std::size_t>(cap)));
#pragma omp parallel num_threads(threads)
  {
    std::vector<candidate>& cand = cands[static_cast<std::size_t>(omp_get_thread_num())];
#pragma omp for schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
      const float* a = x.row(i);
      std::size_t m = 0;
      for (std::int64_t c = 0; c < cap; ++c) {
        const std::int64_t j = idx[i * cap + c];
        if (j < 0) continue;
        const float* b = x.row(j);
        double v = 0.0;
        if (metric == knn_metric::cosine) {
          const double dot = refine_sum<false>(a, b, d);
          const double nn = sqnorm[static_cast<std::size_t>(i)] * sqnorm[static_cast<std::size_t>(j)];
          v = nn > 0.0 ? std::clamp(1.0 - dot / std::sqrt(nn), 0.0, 2.0) : 1.0;
        } else {
          v = std::sqrt(refine_sum<true>(a, b, d));
        }
        cand[m++] = {v, j};
      }
      std::sort(cand.begin(), cand.begin() + static_cast<std::ptrdiff_t>(m));
      for (std::int64_t c = 0; c < k; ++c) {
        out.indices[static_cast<std::size_t>(i * k + c)] = cand[static_cast<std::size_t>(c)].second;
        out.distances[static_cast<std::size_t>(i * k + c)] =
            static_cast<float>(cand[static_cast<std::size_t>(c)].first);
      }
    }
  }
  return out;
}

// CPU kNN search: candidates from the GEMM form on the prepared rows
// (core/row_prep.hpp); the kept ones are then measured in double on the
// caller's rows, which is exact for any float input (no overflow or
// underflow in double) and already in its units.
namespace {

class knn_search final : public detail::knn_ops {
 public:
  std::int64_t max_k() const noexcept override { return std::numeric_limits<std::int64_t>::max(); }

  knn_result search(const resources& res, matrix_view x, std::int64_t k,
                    knn_metric metric) const override {
    const detail::prepared_rows px = row_prep_operations().prepare(
        res, x,
        metric == knn_metric::cosine ? detail::row_geometry::cosine
                                     : detail::row_geometry::euclidean,
        detail::zero_row_policy::keep, "x");
    const std::int64_t cap = knn_candidates(k, x.rows);
    std::vector<std::int64_t> idx;
    knn_select(px.view, cap, metric, res.threads(), idx);
    return knn_refine(x, k, cap, metric, idx.data(), res.threads());
  }
};

}  // namespace

const detail::knn_ops& knn_operations() {
  static const knn_search ops;
  return ops;
}

}  // namespace embed_metrics::cpu
