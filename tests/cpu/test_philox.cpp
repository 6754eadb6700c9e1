// Philox4x32-10 against the known-answer vectors of the Random123 paper's
// reference implementation (kat_vectors: philox4x32 10 rounds).
#include <gtest/gtest.h>

#include "core/philox.hpp"

namespace d = embed_metrics::detail;

TEST(Philox, KnownAnswers) {
  const auto a = d::philox4x32_10({{0u, 0u, 0u, 0u}}, 0u);
  EXPECT_EQ(a.v[0], 0x6627e8d5u);
  EXPECT_EQ(a.v[1], 0xe169c58du);
  EXPECT_EQ(a.v[2], 0xbc57ac4cu);
  EXPECT_EQ(a.v[3], 0x9b00dbd8u);
  const auto b = d::philox4x32_10({{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}},
                                  0xffffffffffffffffull);
  EXPECT_EQ(b.v[0], 0x408f276du);
  EXPECT_EQ(b.v[1], 0x41c83b0eu);
  EXPECT_EQ(b.v[2], 0xa20bc7c6u);
  EXPECT_EQ(b.v[3], 0x6d5451fdu);
  // key words (k0, k1) = (0xa4093822, 0x299f31d0): k1 is the high half.
  const auto c = d::philox4x32_10({{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}},
                                  (std::uint64_t{0x299f31d0u} << 32) | 0xa4093822u);
  EXPECT_EQ(c.v[0], 0xd16cfe09u);
  EXPECT_EQ(c.v[1], 0x94fdccebu);
  EXPECT_EQ(c.v[2], 0x5001e420u);
  EXPECT_EQ(c.v[3], 0x24126ea1u);
}

TEST(Philox, UniformsLieInUnitIntervalAndHaveMeanOneHalf) {
  double sum = 0.0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const double u = d::philox_uniform(42, static_cast<std::uint32_t>(i), 0, 1);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  // Standard error of the mean of n uniforms: sqrt(1/12/n) ~ 0.002.
  EXPECT_NEAR(sum / n, 0.5, 0.01);
}
