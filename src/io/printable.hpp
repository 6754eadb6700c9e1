#pragma once
// Text taken from a file and shown in a message: a garbled header, a bad CSV
// field, an archive entry name. A binary file must not put raw bytes (NUL,
// escape sequences, half a UTF-8 character) on the user's terminal, so every
// byte that is not printable ASCII or part of a well-formed UTF-8 character is
// written as \xNN, and a long excerpt is cut.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace embed_metrics::io {

namespace detail_printable {

// Length of the well-formed UTF-8 character starting at s[i] (2..4 bytes;
// no overlong forms, surrogates or code points above U+10FFFF), or 0.
inline std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<std::uint8_t>(s[i]);
  const std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  if (c < 0xC2 || c > 0xF4 || i + n > s.size()) return 0;
  // the allowed range of the second byte (RFC 3629); later bytes are 80..BF
  const std::uint8_t lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
  const std::uint8_t hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<std::uint8_t>(s[i + k]);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return 0;
  }
  return n;
}

}  // namespace detail_printable

/// @p s with control and invalid bytes escaped (\t, \n, \r, \\, \xNN), cut to
/// at most @p max_bytes of the input (then "..." is appended).
inline std::string printable(std::string_view s, std::size_t max_bytes = 80) {
  static const char kHex[] = "0123456789abcdef";
  const bool cut = s.size() > max_bytes;
  if (cut) s = s.substr(0, max_bytes);
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<std::uint8_t>(s[i]);
    if (c >= 0x20 && c < 0x7F) {
      if (c == '\\') out += '\\';
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (const std::size_t n = detail_printable::utf8_length(s, i); n > 0) {  // 0 below 0xC2
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    switch (c) {
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default:
        out += "\\x";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
    ++i;
  }
  if (cut) out += "...";
  return out;
}

/// printable(s, max_bytes) in single quotes.
inline std::string quoted(std::string_view s, std::size_t max_bytes = 40) {
  return "'" + printable(s, max_bytes) + "'";
}

}  // namespace embed_metrics::io
