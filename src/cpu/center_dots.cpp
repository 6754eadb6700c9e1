#include "cpu/center_dots.hpp"

#include <immintrin.h>

#include <algorithm>

#include "cpu/simd.hpp"

// GCC 12 takes the _mm512_undefined_* operands inside its own AVX-512
// intrinsics (the reduction, the conversion) for uninitialised reads.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace embed_metrics::cpu {
namespace {

enum class simd { none, avx2, avx512 };

simd cpu_simd() {
  if (has_avx512f()) return simd::avx512;
  return has_avx2_fma() ? simd::avx2 : simd::none;
}

// Rows and centres of one register block: 4 x C accumulators (at most 16 of
// the 32 vector registers), 4 + 1 loads per 4 C FMAs.
constexpr int kRowsPer = 4;
constexpr int kCentersPer = 4;

template <int C>
__attribute__((target("avx512f"))) void block_avx512(const float* const* xr, const float* const* cr,
                                                     const float* const* pf, std::int64_t d,
                                                     float (*out)[kCentersPer]) {
  __m512 acc[kRowsPer][C];
#pragma GCC unroll 4
  for (int r = 0; r < kRowsPer; ++r)
#pragma GCC unroll 4
    for (int c = 0; c < C; ++c) acc[r][c] = _mm512_setzero_ps();
  for (std::int64_t j = 0; j < d; j += 16) {
    const __mmask16 mk = d - j >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << (d - j)) - 1u);
    __m512 xv[kRowsPer];
#pragma GCC unroll 4
    for (int r = 0; r < kRowsPer; ++r) xv[r] = _mm512_maskz_loadu_ps(mk, xr[r] + j);
    if (pf != nullptr) {
#pragma GCC unroll 4
      for (int r = 0; r < kRowsPer; ++r) _mm_prefetch(reinterpret_cast<const char*>(pf[r] + j), _MM_HINT_T0);
    }
#pragma GCC unroll 4
    for (int c = 0; c < C; ++c) {
      const __m512 cv = _mm512_maskz_loadu_ps(mk, cr[c] + j);
#pragma GCC unroll 4
      for (int r = 0; r < kRowsPer; ++r) acc[r][c] = _mm512_fmadd_ps(xv[r], cv, acc[r][c]);
    }
  }
#pragma GCC unroll 4
  for (int r = 0; r < kRowsPer; ++r)
#pragma GCC unroll 4
    for (int c = 0; c < C; ++c) out[r][c] = _mm512_reduce_add_ps(acc[r][c]);
}

__attribute__((target("avx2,fma"))) float sum_lanes_avx2(__m256 v) {
  const __m128 h = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 q = _mm_add_ps(h, _mm_movehl_ps(h, h));
  return _mm_cvtss_f32(_mm_add_ss(q, _mm_shuffle_ps(q, q, 1)));
}

template <int C>
__attribute__((target("avx2,fma"))) void block_avx2(const float* const* xr, const float* const* cr,
                                                    const float* const* pf, std::int64_t d,
                                                    float (*out)[kCentersPer]) {
  __m256 acc[kRowsPer][C];
#pragma GCC unroll 4
  for (int r = 0; r < kRowsPer; ++r)
#pragma GCC unroll 4
    for (int c = 0; c < C; ++c) acc[r][c] = _mm256_setzero_ps();
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  for (std::int64_t j = 0; j < d; j += 8) {
    const auto left = static_cast<int>(std::min<std::int64_t>(d - j, 8));
    const __m256i mk = _mm256_cmpgt_epi32(_mm256_set1_epi32(left), lane);
    __m256 xv[kRowsPer];
#pragma GCC unroll 4
    for (int r = 0; r < kRowsPer; ++r) xv[r] = _mm256_maskload_ps(xr[r] + j, mk);
    if (pf != nullptr && j % 16 == 0) {
#pragma GCC unroll 4
      for (int r = 0; r < kRowsPer; ++r) _mm_prefetch(reinterpret_cast<const char*>(pf[r] + j), _MM_HINT_T0);
    }
#pragma GCC unroll 4
    for (int c = 0; c < C; ++c) {
      const __m256 cv = _mm256_maskload_ps(cr[c] + j, mk);
#pragma GCC unroll 4
      for (int r = 0; r < kRowsPer; ++r) acc[r][c] = _mm256_fmadd_ps(xv[r], cv, acc[r][c]);
    }
  }
#pragma GCC unroll 4
  for (int r = 0; r < kRowsPer; ++r)
#pragma GCC unroll 4
    for (int c = 0; c < C; ++c) out[r][c] = sum_lanes_avx2(acc[r][c]);
}

using block_fn = void (*)(const float* const*, const float* const*, const float* const*, std::int64_t,
                          float (*)[kCentersPer]);

block_fn block_for(simd s, std::int64_t centers) {
  static constexpr block_fn k512[] = {block_avx512<1>, block_avx512<2>, block_avx512<3>, block_avx512<4>};
  static constexpr block_fn k256[] = {block_avx2<1>, block_avx2<2>, block_avx2<3>, block_avx2<4>};
  return (s == simd::avx512 ? k512 : k256)[centers - 1];
}

__attribute__((target("avx512f"))) void add_rows_avx512(std::int64_t rows, std::int64_t d,
                                                        const float* x, std::int64_t ldx,
                                                        const std::int32_t* labels, double* acc) {
  for (std::int64_t i = 0; i < rows; ++i) {
    const float* r = x + i * ldx;
    double* a = acc + static_cast<std::int64_t>(labels[i]) * d;
    std::int64_t j = 0;
    for (; j + 8 <= d; j += 8)
      _mm512_storeu_pd(a + j, _mm512_add_pd(_mm512_loadu_pd(a + j), _mm512_cvtps_pd(_mm256_loadu_ps(r + j))));
    for (; j < d; ++j) a[j] += static_cast<double>(r[j]);
  }
}

}  // namespace

bool center_dots_direct(std::int64_t m, std::int64_t d) {
  return cpu_simd() != simd::none && m > 0 && m <= kDirectCenterDotsMax && d > 0;
}

bool center_dots(std::int64_t rows, std::int64_t m, std::int64_t d, const float* x, std::int64_t ldx,
                 const float* c, std::int64_t ldc, float* t) {
  if (!center_dots_direct(m, d)) return false;
  const simd s = cpu_simd();
  float out[kRowsPer][kCentersPer];
  for (std::int64_t i0 = 0; i0 < rows; i0 += kRowsPer) {
    const auto live = static_cast<int>(std::min<std::int64_t>(kRowsPer, rows - i0));
    const float* xr[kRowsPer];
    // A short last block repeats its last row rather than read past the tile.
    for (int r = 0; r < kRowsPer; ++r) xr[r] = x + (i0 + std::min(r, live - 1)) * ldx;
    // The first centres' pass fetches the next block's rows while it
    // computes: the pass is bound by reading the rows once.
    const float* next[kRowsPer];
    const bool has_next = i0 + kRowsPer < rows;
    for (int r = 0; r < kRowsPer; ++r)
      next[r] = x + (std::min(i0 + kRowsPer + r, rows - 1)) * ldx;
    for (std::int64_t c0 = 0; c0 < m; c0 += kCentersPer) {
      const auto width = static_cast<int>(std::min<std::int64_t>(kCentersPer, m - c0));
      const float* cr[kCentersPer];
      for (int k = 0; k < width; ++k) cr[k] = c + (c0 + k) * ldc;
      block_for(s, width)(xr, cr, c0 == 0 && has_next ? next : nullptr, d, out);
      for (int r = 0; r < live; ++r)
        for (int k = 0; k < width; ++k) t[(i0 + r) * m + c0 + k] = -2.0f * out[r][k];
    }
  }
  return true;
}

void add_rows_to_labels(std::int64_t rows, std::int64_t d, const float* x, std::int64_t ldx,
                        const std::int32_t* labels, double* acc) {
  if (cpu_simd() == simd::avx512) {
    add_rows_avx512(rows, d, x, ldx, labels, acc);
    return;
  }
  for (std::int64_t i = 0; i < rows; ++i) {
    const float* r = x + i * ldx;
    double* a = acc + static_cast<std::int64_t>(labels[i]) * d;
    for (std::int64_t j = 0; j < d; ++j) a[j] += static_cast<double>(r[j]);
  }
}

}  // namespace embed_metrics::cpu
