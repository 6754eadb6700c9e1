#pragma once
// A bounds-checked, read-only view of bytes (a mapped file or an inflated zip
// entry), little-endian field readers, and the format_error helper every
// parser uses so that messages always start with the file name.

#include <cstdint>
#include <cstring>
#include <string>

#include "core/check.hpp"
#include "embed_metrics/error.hpp"

namespace embed_metrics::io {

/// Throw format_error("<file>: <parts>").
template <class... Args>
[[noreturn]] void fail(const std::string& file, Args&&... parts) {
  throw format_error(detail::cat(file, ": ", std::forward<Args>(parts)...));
}

/// Bytes [data, data + size). Every access is checked against size.
struct byte_span {
  const std::uint8_t* data = nullptr;
  std::uint64_t size = 0;

  /// The sub-range [offset, offset + length), or format_error naming @p what
  /// ("the header", "entry x.npy", ...) when it does not lie inside.
  [[nodiscard]] byte_span sub(std::uint64_t offset, std::uint64_t length, const std::string& file,
                              const char* what) const {
    if (offset > size || length > size - offset)
      fail(file, what, " lies past the end of the file (bytes ", offset, "..", offset + length,
           " of ", size, "); the file is truncated or corrupt");
    return {data + offset, length};
  }
  /// True when [offset, offset + length) lies inside.
  [[nodiscard]] bool contains(std::uint64_t offset, std::uint64_t length) const noexcept {
    return offset <= size && length <= size - offset;
  }
};

/// Little-endian unsigned integer of N bytes at @p p (no bounds check: use on a sub()).
inline std::uint64_t read_le(const std::uint8_t* p, int n) noexcept {
  std::uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
inline std::uint16_t read_u16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>(read_le(p, 2));
}
inline std::uint32_t read_u32(const std::uint8_t* p) noexcept {
  return static_cast<std::uint32_t>(read_le(p, 4));
}
inline std::uint64_t read_u64(const std::uint8_t* p) noexcept { return read_le(p, 8); }

/// a * b, or false when it overflows 63 bits (sizes are kept within int64).
inline bool mul_size(std::uint64_t a, std::uint64_t b, std::uint64_t* out) noexcept {
  std::uint64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r) || r > static_cast<std::uint64_t>(INT64_MAX)) return false;
  *out = r;
  return true;
}

}  // namespace embed_metrics::io
