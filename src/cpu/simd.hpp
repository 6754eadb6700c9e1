#pragma once
// What this CPU's vector units can do, asked once: the hand-written kernels
// (center_dots, the kNN tile GEMM and screen, the kNN refinement sums) pick
// their form from these. False where the build is not for x86-64 with GCC's
// builtins.

namespace embed_metrics::cpu {

#if defined(__x86_64__) && defined(__GNUC__)
inline bool has_avx512f() noexcept {
  static const bool yes = (__builtin_cpu_init(), __builtin_cpu_supports("avx512f"));
  return yes;
}
inline bool has_avx2() noexcept {
  static const bool yes = (__builtin_cpu_init(), __builtin_cpu_supports("avx2"));
  return yes;
}
inline bool has_avx2_fma() noexcept {
  static const bool yes = has_avx2() && __builtin_cpu_supports("fma");
  return yes;
}
#else
inline bool has_avx512f() noexcept { return false; }
inline bool has_avx2() noexcept { return false; }
inline bool has_avx2_fma() noexcept { return false; }
#endif

}  // namespace embed_metrics::cpu
