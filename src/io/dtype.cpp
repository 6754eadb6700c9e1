#include "io/dtype.hpp"

#include <cmath>
#include <cstring>
#include <type_traits>

#include "io/bytes.hpp"
#include "io/printable.hpp"

namespace embed_metrics::io {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the loader assumes a little-endian host");

std::string dtype::name() const {
  if (kind == dtype_kind::bfloat16) return "bf16";
  const char order = size == 1 ? '|' : (big_endian ? '>' : '<');
  char code = 'f';
  switch (kind) {
    case dtype_kind::floating: code = 'f'; break;
    case dtype_kind::signed_int: code = 'i'; break;
    case dtype_kind::unsigned_int: code = 'u'; break;
    case dtype_kind::boolean: code = 'b'; break;
    case dtype_kind::bfloat16: break;
  }
  return detail::cat(order, code, size);
}

namespace {

// Why a NumPy type character is not supported, or nullptr when it is one of ours.
const char* unsupported_kind(char c) {
  switch (c) {
    case 'O': return "object (pickled Python objects)";
    case 'c': return "complex";
    case 'S': case 'a': return "byte strings";
    case 'U': return "unicode strings";
    case 'V': return "void / structured";
    case 'M': return "datetime";
    case 'm': return "timedelta";
    default: return nullptr;
  }
}

bool parse_descr(std::string_view s, dtype* out, std::string* why) {
  if (s.empty()) {
    *why = "an empty dtype";
    return false;
  }
  bool big = false;
  if (s[0] == '<' || s[0] == '|' || s[0] == '=') {
    s.remove_prefix(1);
  } else if (s[0] == '>') {
    big = true;
    s.remove_prefix(1);
  }
  if (s.empty()) {
    *why = "a dtype with no type code";
    return false;
  }
  const char code = s[0];
  if (const char* k = unsupported_kind(code)) {
    *why = detail::cat(k);
    return false;
  }
  int size = 0;
  if (s.size() == 1 && code == '?') {
    size = 1;
  } else {
    if (s.size() < 2 || s.size() > 3) {
      *why = "an unknown dtype";
      return false;
    }
    for (std::size_t i = 1; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') {
        *why = "an unknown dtype";
        return false;
      }
      size = size * 10 + (s[i] - '0');
    }
  }
  dtype t;
  t.size = size;
  t.big_endian = big && size > 1;
  switch (code) {
    case 'f':
      t.kind = dtype_kind::floating;
      if (size != 2 && size != 4 && size != 8) {
        *why = detail::cat("float", size * 8, " (only float16, float32 and float64 are read)");
        return false;
      }
      break;
    case 'i':
    case 'u':
      t.kind = code == 'i' ? dtype_kind::signed_int : dtype_kind::unsigned_int;
      if (size != 1 && size != 2 && size != 4 && size != 8) {
        *why = detail::cat("an integer of ", size, " bytes");
        return false;
      }
      break;
    case 'b':
    case '?':
      t.kind = dtype_kind::boolean;
      if (size != 1) {
        *why = "a boolean that is not 1 byte";
        return false;
      }
      break;
    default:
      *why = "an unknown dtype";
      return false;
  }
  *out = t;
  return true;
}

template <class T>
T load(const std::uint8_t* p, bool swap) noexcept {
  T v;
  std::memcpy(&v, p, sizeof(T));
  if (swap) {
    if constexpr (sizeof(T) == 2) {
      std::uint16_t u;
      std::memcpy(&u, &v, 2);
      u = __builtin_bswap16(u);
      std::memcpy(&v, &u, 2);
    } else if constexpr (sizeof(T) == 4) {
      std::uint32_t u;
      std::memcpy(&u, &v, 4);
      u = __builtin_bswap32(u);
      std::memcpy(&v, &u, 4);
    } else if constexpr (sizeof(T) == 8) {
      std::uint64_t u;
      std::memcpy(&u, &v, 8);
      u = __builtin_bswap64(u);
      std::memcpy(&v, &u, 8);
    }
  }
  return v;
}

template <class T, class Out, class F>
void convert_loop(const std::uint8_t* src, bool swap, std::uint64_t n, Out* dst, F f) noexcept {
  if (swap) {
    for (std::uint64_t i = 0; i < n; ++i) dst[i] = f(load<T>(src + i * sizeof(T), true));
  } else {
    for (std::uint64_t i = 0; i < n; ++i) dst[i] = f(load<T>(src + i * sizeof(T), false));
  }
}

}  // namespace

dtype parse_numpy_descr(std::string_view descr, const std::string& file) {
  dtype t;
  std::string why;
  if (!parse_descr(descr, &t, &why))
    fail(file, "unsupported dtype ", quoted(descr), " (", why,
         "); embeddings and labels must be float16/32/64 or integer");
  return t;
}

dtype parse_dtype_option(std::string_view text, const std::string& file) {
  if (text == "bf16" || text == "bfloat16") return {dtype_kind::bfloat16, 2, false};
  if (text == "float16" || text == "half") return {dtype_kind::floating, 2, false};
  if (text == "float32" || text == "float") return {dtype_kind::floating, 4, false};
  if (text == "float64" || text == "double") return {dtype_kind::floating, 8, false};
  if (text == "int64") return {dtype_kind::signed_int, 8, false};
  if (text == "int32") return {dtype_kind::signed_int, 4, false};
  dtype t;
  std::string why;
  if (!parse_descr(text, &t, &why))
    throw invalid_argument(detail::cat(file, ": raw dtype ", quoted(text), " is not supported (", why,
                                       "): use f2, f4, f8, bf16, i1..i8, u1..u8, with an optional "
                                       "byte order < or >"));
  return t;
}

float half_to_float(std::uint16_t h) noexcept {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exp = (h >> 10) & 0x1fu;
  const std::uint32_t mant = h & 0x3ffu;
  std::uint32_t bits;
  if (exp == 0) {
    // zero or subnormal: mant * 2^-24, exact in float32
    const float f = static_cast<float>(mant) * 5.9604644775390625e-8f;
    std::memcpy(&bits, &f, 4);
    bits |= sign;
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 112u) << 23) | (mant << 13);
  }
  float out;
  std::memcpy(&out, &bits, 4);
  return out;
}

float bf16_to_float(std::uint16_t h) noexcept {
  const std::uint32_t bits = static_cast<std::uint32_t>(h) << 16;
  float out;
  std::memcpy(&out, &bits, 4);
  return out;
}

void convert_to_float(const std::uint8_t* src, const dtype& t, std::uint64_t n, float* dst) noexcept {
  const bool swap = t.big_endian;
  switch (t.kind) {
    case dtype_kind::floating:
      if (t.size == 4 && !swap) {
        std::memcpy(dst, src, n * 4);
      } else if (t.size == 4) {
        convert_loop<float>(src, true, n, dst, [](float v) { return v; });
      } else if (t.size == 8) {
        convert_loop<double>(src, swap, n, dst, [](double v) { return static_cast<float>(v); });
      } else {
        convert_loop<std::uint16_t>(src, swap, n, dst, half_to_float);
      }
      return;
    case dtype_kind::bfloat16:
      convert_loop<std::uint16_t>(src, swap, n, dst, bf16_to_float);
      return;
    case dtype_kind::boolean:
      convert_loop<std::uint8_t>(src, false, n, dst, [](std::uint8_t v) { return v ? 1.0f : 0.0f; });
      return;
    case dtype_kind::signed_int:
      switch (t.size) {
        case 1: convert_loop<std::int8_t>(src, swap, n, dst, [](std::int8_t v) { return static_cast<float>(v); }); return;
        case 2: convert_loop<std::int16_t>(src, swap, n, dst, [](std::int16_t v) { return static_cast<float>(v); }); return;
        case 4: convert_loop<std::int32_t>(src, swap, n, dst, [](std::int32_t v) { return static_cast<float>(v); }); return;
        default: convert_loop<std::int64_t>(src, swap, n, dst, [](std::int64_t v) { return static_cast<float>(v); }); return;
      }
    case dtype_kind::unsigned_int:
      switch (t.size) {
        case 1: convert_loop<std::uint8_t>(src, swap, n, dst, [](std::uint8_t v) { return static_cast<float>(v); }); return;
        case 2: convert_loop<std::uint16_t>(src, swap, n, dst, [](std::uint16_t v) { return static_cast<float>(v); }); return;
        case 4: convert_loop<std::uint32_t>(src, swap, n, dst, [](std::uint32_t v) { return static_cast<float>(v); }); return;
        default: convert_loop<std::uint64_t>(src, swap, n, dst, [](std::uint64_t v) { return static_cast<float>(v); }); return;
      }
  }
}

namespace {

template <class T>
std::int64_t ints_to_int64(const std::uint8_t* src, bool swap, std::uint64_t n,
                           std::int64_t* dst) noexcept {
  for (std::uint64_t i = 0; i < n; ++i) {
    const T v = load<T>(src + i * sizeof(T), swap);
    if constexpr (std::is_unsigned_v<T> && sizeof(T) == 8) {
      if (v > static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(i);
    }
    dst[i] = static_cast<std::int64_t>(v);
  }
  return -1;
}

std::int64_t float_to_int(double v, std::int64_t* out) noexcept {
  // 2^63 is exact in double; anything in [-2^63, 2^63) with no fraction fits.
  if (!std::isfinite(v) || v != std::floor(v) || v < -9223372036854775808.0 ||
      v >= 9223372036854775808.0)
    return 0;
  *out = static_cast<std::int64_t>(v);
  return 1;
}

}  // namespace

std::int64_t convert_to_int64(const std::uint8_t* src, const dtype& t, std::uint64_t n,
                              std::int64_t* dst) noexcept {
  const bool swap = t.big_endian;
  switch (t.kind) {
    case dtype_kind::boolean:
      for (std::uint64_t i = 0; i < n; ++i) dst[i] = src[i] ? 1 : 0;
      return -1;
    case dtype_kind::signed_int:
      switch (t.size) {
        case 1: return ints_to_int64<std::int8_t>(src, swap, n, dst);
        case 2: return ints_to_int64<std::int16_t>(src, swap, n, dst);
        case 4: return ints_to_int64<std::int32_t>(src, swap, n, dst);
        default: return ints_to_int64<std::int64_t>(src, swap, n, dst);
      }
    case dtype_kind::unsigned_int:
      switch (t.size) {
        case 1: return ints_to_int64<std::uint8_t>(src, swap, n, dst);
        case 2: return ints_to_int64<std::uint16_t>(src, swap, n, dst);
        case 4: return ints_to_int64<std::uint32_t>(src, swap, n, dst);
        default: return ints_to_int64<std::uint64_t>(src, swap, n, dst);
      }
    case dtype_kind::floating:
    case dtype_kind::bfloat16:
      for (std::uint64_t i = 0; i < n; ++i) {
        double v = 0;
        if (t.kind == dtype_kind::bfloat16) v = bf16_to_float(load<std::uint16_t>(src + 2 * i, swap));
        else if (t.size == 2) v = half_to_float(load<std::uint16_t>(src + 2 * i, swap));
        else if (t.size == 4) v = load<float>(src + 4 * i, swap);
        else v = load<double>(src + 8 * i, swap);
        if (!float_to_int(v, dst + i)) return static_cast<std::int64_t>(i);
      }
      return -1;
  }
  return -1;
}

}  // namespace embed_metrics::io
