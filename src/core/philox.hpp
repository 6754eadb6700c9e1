#pragma once
// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
// SC 2011): a counter-based generator. The value at a counter depends only on
// the key and the counter, never on which thread or block asks, so the CPU
// and CUDA backends draw the same stream whatever their thread or block
// counts. Usable from host and device code.

#include <cstdint>

#ifdef __CUDACC__
#define EM_HOST_DEVICE __host__ __device__
#else
#define EM_HOST_DEVICE
#endif

namespace embed_metrics::detail {

/// Four 32-bit words: a counter or an output block.
struct philox_block {
  std::uint32_t v[4];
};

/// Philox4x32 with 10 rounds: the block at @p counter for the 64-bit @p key.
EM_HOST_DEVICE inline philox_block philox4x32_10(philox_block counter, std::uint64_t key) {
  constexpr std::uint32_t kMul0 = 0xD2511F53u;
  constexpr std::uint32_t kMul1 = 0xCD9E8D57u;
  constexpr std::uint32_t kWeyl0 = 0x9E3779B9u;
  constexpr std::uint32_t kWeyl1 = 0xBB67AE85u;
  std::uint32_t k0 = static_cast<std::uint32_t>(key);
  std::uint32_t k1 = static_cast<std::uint32_t>(key >> 32);
  philox_block c = counter;
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t p0 = static_cast<std::uint64_t>(kMul0) * c.v[0];
    const std::uint64_t p1 = static_cast<std::uint64_t>(kMul1) * c.v[2];
    const auto hi0 = static_cast<std::uint32_t>(p0 >> 32);
    const auto lo0 = static_cast<std::uint32_t>(p0);
    const auto hi1 = static_cast<std::uint32_t>(p1 >> 32);
    const auto lo1 = static_cast<std::uint32_t>(p1);
    c = philox_block{{hi1 ^ c.v[1] ^ k0, lo1, hi0 ^ c.v[3] ^ k1, lo0}};
    k0 += kWeyl0;
    k1 += kWeyl1;
  }
  return c;
}

/// A uniform double in [0, 1) with 53 random bits, from the block at the
/// counter (a, b, c, 0) under @p key.
EM_HOST_DEVICE inline double philox_uniform(std::uint64_t key, std::uint32_t a, std::uint32_t b,
                                            std::uint32_t c) {
  const philox_block r = philox4x32_10(philox_block{{a, b, c, 0u}}, key);
  const std::uint64_t bits = (static_cast<std::uint64_t>(r.v[0]) << 32) | r.v[1];
  return static_cast<double>(bits >> 11) * (1.0 / 9007199254740992.0);  // 2^-53
}

}  // namespace embed_metrics::detail
