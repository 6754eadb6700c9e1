#pragma once
// Expected mutual information of one pair of cluster sizes under the
// permutation model (Vinh, Epps and Bailey 2010): the overlap k of a cluster
// of size a with one of size b among n points is hypergeometric,
//   P(k) = C(a, k) C(n - a, b - k) / C(n, b),  k in [max(0, a + b - n), min(a, b)],
// and the pair contributes  sum_k P(k) (k / n) log(n k / (a b)).
// Shared by the CPU backend and the CUDA kernel (host and device code).
//
// Cost. scikit-learn visits every k in [max(1, a + b - n), min(a, b)] and
// evaluates nine log-gamma values per term. Here P is evaluated once, at the
// mode m = floor((a + 1)(b + 1) / (n + 2)), from log-factorial differences
// that keep their accuracy at large n (below), and the walk outward uses the
// exact ratios
//   P(k + 1) / P(k) = (a - k)(b - k) / ((k + 1)(n - a - b + k + 1)),
//   P(k - 1) / P(k) = k (n - a - b + k) / ((a - k + 1)(b - k + 1)).
// P is log-concave, so the rightward ratio r(k) decreases in k and the
// leftward one decreases as k goes down. Once a step with ratio r < 1 has
// produced P(k'), every term further out is at most P(k') r^j (j = 1, 2, ...),
// so the mass not yet visited on that side is at most P(k') r / (1 - r). The
// walk stops when that bound is below kTailMass = 2^-64. Each term's weight
// |(k / n) log(n k / (a b))| is at most F = (min(a, b) / n) log(n^2) on the
// support, so the pair's truncation error is at most 2 F 2^-64; summed over
// all ka x kb pairs (sum of min(a_i, b_j) <= sum sqrt(a_i b_j) <= n sqrt(ka kb))
// it is below 2^-63 log(n^2) sqrt(ka kb): 1e-15 for n = 1e6 and 1000 x 1000
// clusters, far below the 1e-9 asked of AMI. Terms are visited over about
// 2 x 9.4 standard deviations of P (where a Gaussian tail falls to 2^-64),
// sigma^2 = a b (n - a)(n - b) / (n^2 (n - 1)) <= min(a, b), so one pair costs
// O(1 + sqrt(a b / n)) exp-free steps (one log each) instead of min(a, b)
// steps with nine log-gammas; n = 1e6 with sizes near 1000 takes ~20 steps
// per pair where scikit-learn takes ~1000.
//
// Accuracy at large n. log P(m) written naively as nine log-gammas of
// arguments near n cancels down from ~n log n: at n = 1e6 the rounding of
// lgamma(n) alone is 2e-9, which becomes the relative error of P. Grouped as
//   log P(m) = D(a - m, m) - lnfact(m) + D(b - m, m)
//            + D(n - a - b + m, b - m) - D(n - b, b),
// with D(x, d) = ln((x + d)!) - ln(x!) taken from the difference of two
// Stirling series (log1p form), every term is of size d log n and the error
// is a few ulps of b log n instead of n log n.

#include <cmath>
#include <cstdint>

#if defined(__CUDACC__)
#define EM_HD __host__ __device__
#else
#define EM_HD
#endif

namespace embed_metrics::detail {

/// Mass bound below which the walk stops (see the comment above).
constexpr double kTailMass = 5.421010862427522e-20;  // 2^-64 (exact power of two)

/// ln(k!) for an integer k >= 0 held in a double.
EM_HD inline double log_factorial(double k) {
#if defined(__CUDA_ARCH__)
  return lgamma(k + 1.0);
#else
  int sign = 0;
  return ::lgamma_r(k + 1.0, &sign);  // reentrant: no write to the global signgam
#endif
}

/// The Stirling series of ln Gamma(z) beyond (z - 1/2) ln z - z + ln(2 pi) / 2;
/// truncated after z^-7, the error is below 1 / (1188 z^9) (3e-17 at z = 31).
EM_HD inline double stirling_tail(double z) {
  const double r = 1.0 / z;
  const double r2 = r * r;
  return r * (1.0 / 12.0 - r2 * (1.0 / 360.0 - r2 * (1.0 / 1260.0 - r2 * (1.0 / 1680.0))));
}

/// ln((x + d)!) - ln(x!) for integers x, d >= 0, accurate to a few ulps of
/// the result even when x is near 2^53.
EM_HD inline double log_factorial_diff(double x, double d) {
  if (d == 0.0) return 0.0;
  if (x < 30.0) return log_factorial(x + d) - log_factorial(x);
  const double z1 = x + 1.0;
  const double z2 = z1 + d;
  return (z1 - 0.5) * log1p(d / z1) + d * log(z2) - d + (stirling_tail(z2) - stirling_tail(z1));
}

/// sum_k P(k) (k / n) log(n k / (a b)) for one pair of sizes (a, b >= 1, a, b <= n).
EM_HD inline double emi_pair(std::int64_t a_, std::int64_t b_, std::int64_t n_, double log_n) {
  const double a = static_cast<double>(a_);
  const double b = static_cast<double>(b_);
  const double n = static_cast<double>(n_);
  const std::int64_t kmin = a_ + b_ - n_ > 0 ? a_ + b_ - n_ : 0;
  const std::int64_t kmax = a_ < b_ ? a_ : b_;
  if (kmax < 1) return 0.0;
  // Any start point is correct (the stopping rule needs only r < 1); the mode
  // makes the walk shortest. Computed in double: off by one at worst.
  auto m = static_cast<std::int64_t>(std::floor((a + 1.0) * (b + 1.0) / (n + 2.0)));
  if (m < kmin) m = kmin;
  if (m > kmax) m = kmax;
  const double md = static_cast<double>(m);
  const double log_pm = log_factorial_diff(a - md, md) - log_factorial(md) +
                        log_factorial_diff(b - md, md) +
                        log_factorial_diff(n - a - b + md, b - md) - log_factorial_diff(n - b, b);
  const double p_mode = exp(log_pm);
  const double log_ab = log(a) + log(b);
  const double inv_n = 1.0 / n;
  // scikit-learn's term: (k / n) * (log n + log k - log a - log b).
  auto weight = [&](double k) { return k * inv_n * (log_n + log(k) - log_ab); };

  double sum = m >= 1 ? p_mode * weight(md) : 0.0;
  const double c = n - a - b;  // n - a - b + k is the fourth count of the 2 x 2 table
  double p = p_mode;
  for (std::int64_t k = m; k < kmax; ++k) {  // rightward: P(k + 1)
    const double kd = static_cast<double>(k);
    const double r = ((a - kd) * (b - kd)) / ((kd + 1.0) * (c + kd + 1.0));
    p *= r;
    sum += p * weight(kd + 1.0);
    if (r < 1.0 && p * r < kTailMass * (1.0 - r)) break;
  }
  p = p_mode;
  const std::int64_t left_end = kmin > 1 ? kmin : 1;
  for (std::int64_t k = m; k > left_end; --k) {  // leftward: P(k - 1), k - 1 >= 1
    const double kd = static_cast<double>(k);
    const double r = (kd * (c + kd)) / ((a - kd + 1.0) * (b - kd + 1.0));
    p *= r;
    sum += p * weight(kd - 1.0);
    if (r < 1.0 && p * r < kTailMass * (1.0 - r)) break;
  }
  return sum;
}

}  // namespace embed_metrics::detail
