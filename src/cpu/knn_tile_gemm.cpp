#include "cpu/knn_tile_gemm.hpp"

#include <algorithm>
#include <cstddef>

#include "cpu/simd.hpp"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define EMBED_METRICS_TILE_GEMM_AVX512 1
#endif

namespace embed_metrics::cpu {

bool tile_gemm_available() noexcept {
#ifdef EMBED_METRICS_TILE_GEMM_AVX512
  return has_avx512f();
#else
  return false;
#endif
}

#ifdef EMBED_METRICS_TILE_GEMM_AVX512
namespace {

// 16 rows x 16 coordinates of y, from src (leading dimension ld), transposed
// into 16 coordinates x 16 columns of a panel at dst: the element-wise copy
// wrote one float per cache line and was about a twentieth of the
// silhouette's time.
__attribute__((target("avx512f"))) void pack_16x16(const float* src, std::int64_t ld, float* dst) {
  // The masked forms with a full mask: the plain ones start from an undefined
  // vector, which GCC 12 takes for an uninitialised read (-Werror).
  constexpr __mmask16 all = 0xFFFF;
  __m512 r[16];
  for (int i = 0; i < 16; ++i) r[i] = _mm512_loadu_ps(src + i * ld);
  // u[4q + c], 128-bit lane L: rows 4q .. 4q + 3 at coordinate 4L + c.
  __m512 u[16];
  for (int q = 0; q < 4; ++q) {
    const __m512 lo01 = _mm512_mask_unpacklo_ps(r[4 * q], all, r[4 * q], r[4 * q + 1]);
    const __m512 hi01 = _mm512_mask_unpackhi_ps(r[4 * q], all, r[4 * q], r[4 * q + 1]);
    const __m512 lo23 = _mm512_mask_unpacklo_ps(r[4 * q + 2], all, r[4 * q + 2], r[4 * q + 3]);
    const __m512 hi23 = _mm512_mask_unpackhi_ps(r[4 * q + 2], all, r[4 * q + 2], r[4 * q + 3]);
    u[4 * q] = _mm512_mask_shuffle_ps(lo01, all, lo01, lo23, 0x44);
    u[4 * q + 1] = _mm512_mask_shuffle_ps(lo01, all, lo01, lo23, 0xEE);
    u[4 * q + 2] = _mm512_mask_shuffle_ps(hi01, all, hi01, hi23, 0x44);
    u[4 * q + 3] = _mm512_mask_shuffle_ps(hi01, all, hi01, hi23, 0xEE);
  }
  for (int c = 0; c < 4; ++c) {
    const __m512 w_lo = _mm512_mask_shuffle_f32x4(u[c], all, u[c], u[4 + c], 0x44);
    const __m512 w_hi = _mm512_mask_shuffle_f32x4(u[c], all, u[c], u[4 + c], 0xEE);
    const __m512 z_lo = _mm512_mask_shuffle_f32x4(u[8 + c], all, u[8 + c], u[12 + c], 0x44);
    const __m512 z_hi = _mm512_mask_shuffle_f32x4(u[8 + c], all, u[8 + c], u[12 + c], 0xEE);
    _mm512_storeu_ps(dst + c * kTilePanel, _mm512_mask_shuffle_f32x4(w_lo, all, w_lo, z_lo, 0x88));
    _mm512_storeu_ps(dst + (4 + c) * kTilePanel, _mm512_mask_shuffle_f32x4(w_lo, all, w_lo, z_lo, 0xDD));
    _mm512_storeu_ps(dst + (8 + c) * kTilePanel, _mm512_mask_shuffle_f32x4(w_hi, all, w_hi, z_hi, 0x88));
    _mm512_storeu_ps(dst + (12 + c) * kTilePanel, _mm512_mask_shuffle_f32x4(w_hi, all, w_hi, z_hi, 0xDD));
  }
}

}  // namespace
#endif

void pack_tile_columns(matrix_view y, std::int64_t c0, std::int64_t cols,
                       std::vector<float>& panels) {
  const std::int64_t d = y.cols;
  const std::int64_t count = (cols + kTilePanel - 1) / kTilePanel;
  panels.resize(static_cast<std::size_t>(count * d * kTilePanel));
  // Whole groups of 16 columns and 16 coordinates by transposes (where the CPU
  // has them), the rest one by one, the padding columns zero.
  std::int64_t fast_cols = 0, fast_d = 0;
#ifdef EMBED_METRICS_TILE_GEMM_AVX512
  if (tile_gemm_available()) {
    fast_cols = cols / 16 * 16;
    fast_d = d / 16 * 16;
    for (std::int64_t j = 0; j < fast_cols; j += 16) {
      const float* src = y.row(c0 + j);
      float* dst = panels.data() + (j / kTilePanel) * d * kTilePanel + j % kTilePanel;
      for (std::int64_t t = 0; t < fast_d; t += 16)
        pack_16x16(src + t, y.ld(), dst + t * kTilePanel);
    }
  }
#endif
  for (std::int64_t j = 0; j < count * kTilePanel; ++j) {
    const float* src = j < cols ? y.row(c0 + j) : nullptr;
    float* dst = panels.data() + (j / kTilePanel) * d * kTilePanel + j % kTilePanel;
    for (std::int64_t t = j < fast_cols ? fast_d : 0; t < d; ++t)
      dst[t * kTilePanel] = src != nullptr ? src[t] : 0.0f;
  }
}

#ifdef EMBED_METRICS_TILE_GEMM_AVX512
namespace {

constexpr int kVectors = static_cast<int>(kTilePanel / 16);  // zmm registers per panel row
constexpr int kMicroRows = 8;  // 8 x 3 accumulators, 3 panel loads and 8 broadcasts per step
constexpr std::int64_t kPrefetch = 16;

// R rows against one panel, the accumulators held in registers over all d.
template <int R>
__attribute__((target("avx512f"))) inline void micro_tile(const float* a, std::int64_t lda,
                                                          const float* panel, std::int64_t d,
                                                          float alpha, float* c,
                                                          std::int64_t ldc) {
  __m512 acc[R][kVectors];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int q = 0; q < kVectors; ++q) acc[r][q] = _mm512_setzero_ps();
  for (std::int64_t t = 0; t < d; ++t) {
    const float* p = panel + t * kTilePanel;
    // The panel streams from L2; fetched kPrefetch steps ahead, its loads
    // no longer stall the multiply-adds (a prefetch past the end is harmless).
#pragma GCC unroll 4
    for (int q = 0; q < kVectors; ++q)
      _mm_prefetch(reinterpret_cast<const char*>(p + kPrefetch * kTilePanel + 16 * q), _MM_HINT_T0);
    __m512 col[kVectors];
#pragma GCC unroll 4
    for (int q = 0; q < kVectors; ++q) col[q] = _mm512_loadu_ps(p + 16 * q);
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      const __m512 av = _mm512_set1_ps(a[r * lda + t]);
#pragma GCC unroll 4
      for (int q = 0; q < kVectors; ++q) acc[r][q] = _mm512_fmadd_ps(av, col[q], acc[r][q]);
    }
  }
  const __m512 scale = _mm512_set1_ps(alpha);
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int q = 0; q < kVectors; ++q)
      _mm512_storeu_ps(c + r * ldc + 16 * q, _mm512_mul_ps(scale, acc[r][q]));
}

// R rows against panels [first, count).
template <int R>
__attribute__((target("avx512f"))) void rows_against_panels(const float* a, std::int64_t lda,
                                                            std::int64_t d, const float* panels,
                                                            std::int64_t first, std::int64_t count,
                                                            float alpha, float* c,
                                                            std::int64_t ldc) {
  for (std::int64_t p = first; p < count; ++p)
    micro_tile<R>(a, lda, panels + p * d * kTilePanel, d, alpha, c + p * kTilePanel, ldc);
}

}  // namespace
#endif

void tile_gemm(const float* a, std::int64_t lda, std::int64_t rows, std::int64_t d,
               const std::vector<float>& panels, std::int64_t cols, float alpha, bool upper,
               float* c, std::int64_t ldc) {
#ifdef EMBED_METRICS_TILE_GEMM_AVX512
  const std::int64_t count = (cols + kTilePanel - 1) / kTilePanel;
  const float* pp = panels.data();
  // The first panel with a column j > i for the group's first row i.
  const auto first = [upper](std::int64_t i) { return upper ? (i + 1) / kTilePanel : 0; };
  std::int64_t i = 0;
  for (; i + kMicroRows <= rows; i += kMicroRows)
    rows_against_panels<kMicroRows>(a + i * lda, lda, d, pp, first(i), count, alpha, c + i * ldc, ldc);
  // The last rows, fewer than kMicroRows.
  switch (rows - i) {
    case 7: rows_against_panels<7>(a + i * lda, lda, d, pp, first(i), count, alpha, c + i * ldc, ldc); break;
    case 6: rows_against_panels<6>(a + i * lda, lda, d, pp, first(i), count, alpha, c + i * ldc, ldc); break;
    case 5: rows_against_panels<5>(a + i * lda, lda, d, pp, first(i), count, alpha, c + i * ldc, ldc); break;
    case 4: rows_against_panels<4>(a + i * lda, lda, d, pp, first(i), count, alpha, c + i * ldc, ldc); break;
    case 3: rows_against_panels<3>(a + i * lda, lda, d, pp, first(i), count, alpha, c + i * ldc, ldc); break;
    case 2: rows_against_panels<2>(a + i * lda, lda, d, pp, first(i), count, alpha, c + i * ldc, ldc); break;
    case 1: rows_against_panels<1>(a + i * lda, lda, d, pp, first(i), count, alpha, c + i * ldc, ldc); break;
    default: break;
  }
#else
  (void)a, (void)lda, (void)rows, (void)d, (void)panels, (void)cols, (void)alpha, (void)upper, (void)c,
      (void)ldc;
#endif
}

}  // namespace embed_metrics::cpu
