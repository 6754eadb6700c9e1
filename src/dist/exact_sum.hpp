#pragma once
// Sums whose value does not depend on the order of the terms, so that a
// distributed result is the same bit for bit at any number of ranks and any
// split of the rows. Each term is rounded once to a multiple of 2^q (q is
// fixed from a bound on the terms, common to every rank) and added as an
// integer of three 30-bit limbs held in int64s: integer addition is
// associative, so the ranks' limbs can be all-reduced in any order. With q
// 88 bits below the bound every float term, and every double term within 35
// binary orders of the bound, is represented exactly; up to 2^34 terms fit.

#include <cmath>
#include <cstdint>
#include <vector>

#include "embed_metrics/communicator.hpp"

namespace embed_metrics::detail {

__extension__ typedef __int128 exact_int;  // NOLINT: the integer value of a sum

/// The exponent of the quantum for terms bounded by @p bound in magnitude.
inline int exact_exponent(double bound) {
  if (!(bound > 0.0) || !std::isfinite(bound)) return -1074 + 88;
  return std::ilogb(bound) + 1 - 88;
}

/// The three limbs of round(v / 2^q), |v| below 2^(q + 88).
inline void exact_limbs(double v, int q, std::int64_t* limb) {
  const bool negative = v < 0.0;
  const double a = std::ldexp(std::fabs(v), -q);
  const double hi = std::floor(std::ldexp(a, -60));
  const double r1 = a - std::ldexp(hi, 60);
  const double mid = std::floor(std::ldexp(r1, -30));
  const double r0 = r1 - std::ldexp(mid, 30);
  const auto l2 = static_cast<std::int64_t>(hi);
  const auto l1 = static_cast<std::int64_t>(mid);
  const auto l0 = static_cast<std::int64_t>(std::nearbyint(r0));
  limb[0] = negative ? -l0 : l0;
  limb[1] = negative ? -l1 : l1;
  limb[2] = negative ? -l2 : l2;
}

/// Adds the three limbs @p l to the three at @p t.
inline void add_limbs(std::int64_t* t, const std::int64_t* l) {
  t[0] += l[0];
  t[1] += l[1];
  t[2] += l[2];
}

inline exact_int exact_value(const std::int64_t* limb) {
  return (static_cast<exact_int>(limb[2]) << 60) + (static_cast<exact_int>(limb[1]) << 30) +
         static_cast<exact_int>(limb[0]);
}

inline double exact_to_double(exact_int t, int q) { return std::ldexp(static_cast<double>(t), q); }

/// @p count order-free sums of terms bounded by a common bound.
class exact_sums {
 public:
  exact_sums() = default;
  exact_sums(std::size_t count, int q) : q_(q), limbs_(3 * count, 0) {}
  void add(std::size_t i, double v) {
    std::int64_t l[3];
    exact_limbs(v, q_, l);
    add_limbs(limbs_.data() + 3 * i, l);
  }
  /// Adds every sum of @p other (same size and exponent).
  void merge(const exact_sums& other) {
    for (std::size_t e = 0; e < limbs_.size(); ++e) limbs_[e] += other.limbs_[e];
  }
  [[nodiscard]] exact_int integer(std::size_t i) const { return exact_value(limbs_.data() + 3 * i); }
  /// The sum, rounded once to double.
  [[nodiscard]] double value(std::size_t i) const { return exact_to_double(integer(i), q_); }
  /// Every rank's sums become the sums over all ranks.
  void all_reduce(communicator& comm) { comm.all_reduce_sum(limbs_.data(), limbs_.size()); }
  [[nodiscard]] const std::vector<std::int64_t>& limbs() const noexcept { return limbs_; }

 private:
  int q_ = 0;
  std::vector<std::int64_t> limbs_;
};

}  // namespace embed_metrics::detail
