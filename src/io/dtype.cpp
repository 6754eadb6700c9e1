#include "io/dtype.hpp"

#include <algorithm>
#include <charconv>
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
  // NumPy's type code by dtype_kind (bfloat16, which NumPy lacks, is named above)
  return detail::cat(order, "f?iub"[static_cast<int>(kind)], size);
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

// Parse a NumPy descr into *out; returns why it is not read, or "" when it is.
std::string parse_descr(std::string_view s, dtype* out) {
  if (s.empty()) return "an empty dtype";
  const bool big = s[0] == '>';
  if (big || s[0] == '<' || s[0] == '|' || s[0] == '=') s.remove_prefix(1);
  if (s.empty()) return "a dtype with no type code";
  const char code = s[0];
  if (const char* k = unsupported_kind(code)) return k;
  unsigned size = 1;  // "?" alone is a 1-byte boolean
  if (s != "?") {
    // one or two decimal digits (unsigned from_chars takes no sign)
    const char* end = s.data() + s.size();
    const auto r = std::from_chars(s.data() + 1, end, size);
    if (s.size() > 3 || r.ec != std::errc() || r.ptr != end) return "an unknown dtype";
  }
  dtype t{dtype_kind::floating, static_cast<int>(size), big && size > 1};
  switch (code) {
    case 'f':
      if (size != 2 && size != 4 && size != 8)
        return detail::cat("float", size * 8, " (only float16, float32 and float64 are read)");
      break;
    case 'i':
    case 'u':
      if (size != 1 && size != 2 && size != 4 && size != 8)
        return detail::cat("an integer of ", size, " bytes");
      t.kind = code == 'i' ? dtype_kind::signed_int : dtype_kind::unsigned_int;
      break;
    case 'b':
    case '?':
      if (size != 1) return "a boolean that is not 1 byte";
      t.kind = dtype_kind::boolean;
      break;
    default:
      return "an unknown dtype";
  }
  *out = t;
  return "";
}

// A T stored in the file's byte order at @p p (any alignment).
template <class T>
T load(const std::uint8_t* p, bool swap) noexcept {
  std::uint8_t b[sizeof(T)];
  std::memcpy(b, p, sizeof(T));
  if (swap) std::reverse(b, b + sizeof(T));
  T v;
  std::memcpy(&v, b, sizeof(T));
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

// f(T{}) for the C++ type T of an integer dtype (signed or unsigned, 1 to 8 bytes).
template <class F>
auto with_integer_type(const dtype& t, F&& f) {
  const bool s = t.kind == dtype_kind::signed_int;
  switch (t.size) {
    case 1: return s ? f(std::int8_t{}) : f(std::uint8_t{});
    case 2: return s ? f(std::int16_t{}) : f(std::uint16_t{});
    case 4: return s ? f(std::int32_t{}) : f(std::uint32_t{});
    default: return s ? f(std::int64_t{}) : f(std::uint64_t{});
  }
}

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

bool float_to_int(double v, std::int64_t* out) noexcept {
  // 2^63 is exact in double; anything in [-2^63, 2^63) with no fraction fits.
  if (!std::isfinite(v) || v != std::floor(v) || v < -9223372036854775808.0 ||
      v >= 9223372036854775808.0)
    return false;
  *out = static_cast<std::int64_t>(v);
  return true;
}

float float_from_bits(std::uint32_t bits) noexcept {
  float out;
  std::memcpy(&out, &bits, 4);
  return out;
}

// IEEE 754 binary16 bits to float (exact).
float half_to_float(std::uint16_t h) noexcept {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exp = (h >> 10) & 0x1fu;
  const std::uint32_t mant = h & 0x3ffu;
  if (exp == 0) {
    // zero or subnormal: mant * 2^-24, exact in float32
    const float f = static_cast<float>(mant) * 5.9604644775390625e-8f;
    return sign ? -f : f;
  }
  // the exponent rebiased from 15 to 127; all ones (Inf, NaN) stays all ones
  const std::uint32_t biased = exp == 31 ? 0xffu : exp + 112u;
  return float_from_bits(sign | (biased << 23) | (mant << 13));
}

// bfloat16 bits to float (exact).
float bf16_to_float(std::uint16_t h) noexcept {
  return float_from_bits(static_cast<std::uint32_t>(h) << 16);
}

}  // namespace

dtype parse_numpy_descr(std::string_view descr, const std::string& file) {
  dtype t;
  const std::string why = parse_descr(descr, &t);
  if (!why.empty())
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
  const std::string why = parse_descr(text, &t);
  if (!why.empty())
    throw invalid_argument(detail::cat(file, ": raw dtype ", quoted(text), " is not supported (", why,
                                       "): use f2, f4, f8, bf16, i1..i8, u1..u8, with an optional "
                                       "byte order < or >"));
  return t;
}

void convert_to_float(const std::uint8_t* src, const dtype& t, std::uint64_t n, float* dst) noexcept {
  const bool swap = t.big_endian;
  const auto to_float = [](auto v) { return static_cast<float>(v); };
  switch (t.kind) {
    case dtype_kind::floating:
      if (t.size == 4 && !swap) {
        std::memcpy(dst, src, n * 4);
      } else if (t.size == 4) {
        convert_loop<float>(src, true, n, dst, to_float);
      } else if (t.size == 8) {
        convert_loop<double>(src, swap, n, dst, to_float);
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
    case dtype_kind::unsigned_int:
      with_integer_type(t, [&](auto type) {
        convert_loop<decltype(type)>(src, swap, n, dst, to_float);
      });
      return;
  }
}

std::int64_t convert_to_int64(const std::uint8_t* src, const dtype& t, std::uint64_t n,
                              std::int64_t* dst) noexcept {
  const bool swap = t.big_endian;
  switch (t.kind) {
    case dtype_kind::boolean:
      for (std::uint64_t i = 0; i < n; ++i) dst[i] = src[i] ? 1 : 0;
      return -1;
    case dtype_kind::signed_int:
    case dtype_kind::unsigned_int:
      return with_integer_type(t, [&](auto type) {
        return ints_to_int64<decltype(type)>(src, swap, n, dst);
      });
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
