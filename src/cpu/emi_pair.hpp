#pragma once
// Expected mutual information of one pair of cluster sizes under the
// permutation model (Vinh, Epps and Bailey 2010): the overlap k of a cluster
// of size a with one of size b among n points is hypergeometric,
//   P(k) = C(a, k) C(n - a, b - k) / C(n, b),  k in [max(0, a + b - n), min(a, b)],
// and the pair contributes  sum_k P(k) (k / n) log(n k / (a b)).
// Shared by the CPU backend and the CUDA kernel (host and device code).
//
// Cost. scikit-learn visits every k in [max(1, a + b - n), min(a, b)] and
// evaluates nine log-gamma values per term. Here the walk starts at the mode
// m = floor((a + 1)(b + 1) / (n + 2)) with the unnormalised value q(m) = 1
// and moves outward with the exact ratios
//   P(k + 1) / P(k) = (a - k)(b - k) / ((k + 1)(n - a - b + k + 1)),
//   P(k - 1) / P(k) = k (n - a - b + k) / ((a - k + 1)(b - k + 1)),
// summing both q(k) and q(k) w(k). P is log-concave, so the rightward ratio
// r(k) decreases in k and the leftward one decreases as k goes down. Once a
// step with ratio r < 1 has produced q(k'), every value further out is at
// most q(k') r^j (j = 1, 2, ...), so the mass not yet visited on that side is
// at most q(k') r / (1 - r). The walk stops when that bound is below
// kTailMass = 2^-64 times the mass S visited so far, and the pair's value is
// sum q w / S: the visited mass is the whole mass to a relative 2^-63, so no
// log-gamma is needed at all (evaluating P(m) from log-gammas of arguments
// near n would cancel ~n log n down to the result: 1e-6 relative error at
// n = 3e9). Each weight |w(k)| = |(k / n) log(n k / (a b))| is at most
// F = (min(a, b) / n) log(n^2) on the support, so the pair's truncation error
// is below 2^-62 F; summed over the ka x kb pairs (sum of min(a_i, b_j) <=
// sum sqrt(a_i b_j) <= n sqrt(ka kb)) it is below 2^-62 log(n^2) sqrt(ka kb):
// 1e-14 for n = 1e6 and 1000 x 1000 clusters, far below the 1e-9 asked of AMI.
// The walk covers about 2 x 9.4 standard deviations of P (where a Gaussian
// tail falls to 2^-64), sigma^2 = a b (n - a)(n - b) / (n^2 (n - 1)) <= min(a, b),
// so one pair costs O(1 + sqrt(a b / n)) steps of a few flops and one log,
// instead of min(a, b) steps of nine log-gammas: n = 1e6 with sizes near 1000
// takes ~20 steps per pair where scikit-learn takes ~1000.

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

/// log(p q / (r s)) for positive integers held in doubles (products may pass
/// 2^53). Near 1 the ratio is taken as log1p((p q - r s) / (r s)) with the
/// difference of products exact to an ulp (fma), so that a ratio of 1 + 1e-9
/// (a cluster of 3e9 points minus a few) keeps all its digits; elsewhere it is
/// scikit-learn's log p + log q - log r - log s, with the logs passed in.
EM_HD inline double log_ratio(double p, double q, double r, double s, double log_sum) {
  const double rs = r * s;
  const double x = (p * q) / rs;
  if (x > 0.5 && x < 2.0) {
    const double rs_err = fma(r, s, -rs);  // r s = rs + rs_err exactly
    const double diff = fma(p, q, -rs) - rs_err;
    return log1p(diff / rs);
  }
  return log_sum;
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
  auto m = static_cast<std::int64_t>(floor((a + 1.0) * (b + 1.0) / (n + 2.0)));
  if (m < kmin) m = kmin;
  if (m > kmax) m = kmax;
  const double md = static_cast<double>(m);
  const double log_ab = log(a) + log(b);
  const double inv_n = 1.0 / n;
  // scikit-learn's term: (k / n) * (log n + log k - log a - log b).
  auto weight = [&](double k) { return k * inv_n * log_ratio(n, k, a, b, log_n + log(k) - log_ab); };

  double sum = m >= 1 ? weight(md) : 0.0;  // sum of q(k) w(k), with q(m) = 1
  double mass = 1.0;                        // sum of q(k)
  const double c = n - a - b;  // n - a - b + k is the fourth count of the 2 x 2 table
  double q = 1.0;
  for (std::int64_t k = m; k < kmax; ++k) {  // rightward: q(k + 1)
    const double kd = static_cast<double>(k);
    const double r = ((a - kd) * (b - kd)) / ((kd + 1.0) * (c + kd + 1.0));
    q *= r;
    sum += q * weight(kd + 1.0);
    mass += q;
    if (r < 1.0 && q * r < kTailMass * (1.0 - r) * mass) break;
  }
  q = 1.0;
  for (std::int64_t k = m; k > kmin; --k) {  // leftward: q(k - 1)
    const double kd = static_cast<double>(k);
    const double r = (kd * (c + kd)) / ((a - kd + 1.0) * (b - kd + 1.0));
    q *= r;
    if (k - 1 >= 1) sum += q * weight(kd - 1.0);
    mass += q;
    if (r < 1.0 && q * r < kTailMass * (1.0 - r) * mass) break;
  }
  return sum / mass;
}

}  // namespace embed_metrics::detail
