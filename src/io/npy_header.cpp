#include "io/npy_header.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "io/printable.hpp"

namespace embed_metrics::io {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::uint64_t kMagicLen = 6;

// A tiny reader of the Python literal subset NumPy writes in the header.
class dict_reader {
 public:
  dict_reader(std::string_view text, const std::string& file) : s_(text), file_(file) {}

  void skip_ws() { pos_ = std::min(s_.find_first_not_of(" \t\n\r", pos_), s_.size()); }
  // The next character after blanks, or '\0' at the end (the header holds no NUL).
  char peek() {
    skip_ws();
    return pos_ < s_.size() ? s_[pos_] : '\0';
  }
  void expect(char c) {
    if (!accept(c)) garbled(detail::cat("expected '", c, "'"));
  }
  bool accept(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  std::string string_literal() {
    const char q = peek();
    if (q != '\'' && q != '"') garbled("expected a quoted string");
    ++pos_;
    std::string out;
    while (pos_ < s_.size() && s_[pos_] != q) {
      if (s_[pos_] == '\\') garbled("escapes in strings are not expected");
      out += s_[pos_++];
    }
    if (pos_ >= s_.size()) garbled("unterminated string");
    ++pos_;
    return out;
  }
  bool bool_literal() {
    skip_ws();
    if (s_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (s_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    garbled("expected True or False for 'fortran_order'");
  }
  std::vector<std::int64_t> shape_tuple() {
    expect('(');
    std::vector<std::int64_t> shape;
    while (!accept(')')) {
      skip_ws();
      // unsigned: from_chars takes no sign
      std::uint64_t v = 0;
      const char* digits = s_.data() + pos_;
      const auto [end, ec] = std::from_chars(digits, s_.data() + s_.size(), v);
      if (end == digits) garbled("expected a non-negative integer in 'shape'");
      if (ec != std::errc() || v > static_cast<std::uint64_t>(INT64_MAX))
        fail(file_, "shape dimension in the header does not fit in 64 bits");
      pos_ += static_cast<std::size_t>(end - digits);
      if (pos_ < s_.size() && s_[pos_] == 'L') ++pos_;  // Python 2 long
      if (shape.size() >= kMaxDims) fail(file_, "shape has more than ", kMaxDims, " dimensions");
      shape.push_back(static_cast<std::int64_t>(v));
      if (!accept(',')) {
        expect(')');
        break;
      }
    }
    return shape;
  }
  [[noreturn]] void garbled(const std::string& what) {
    fail(file_, "garbled .npy header at character ", pos_, " (", what, "): ",
         quoted(s_, 120));
  }

 private:
  std::string_view s_;
  const std::string& file_;
  std::size_t pos_ = 0;
};

}  // namespace

bool is_npy(byte_span bytes) noexcept {
  return bytes.size >= kMagicLen && std::memcmp(bytes.data, kMagic, kMagicLen) == 0;
}

std::string shape_string(const std::vector<std::int64_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

npy_header parse_npy(byte_span bytes, const std::string& file) {
  if (bytes.size == 0) fail(file, "is empty (0 bytes); expected a .npy file");
  if (!is_npy(bytes))
    fail(file, "wrong magic: not a .npy file (it should start with \\x93NUMPY)");
  if (bytes.size < 10) fail(file, "truncated .npy header (", bytes.size, " bytes)");
  npy_header h;
  h.major = bytes.data[6];
  h.minor = bytes.data[7];
  if (h.major < 1 || h.major > 3)
    fail(file, "unsupported .npy format version ", h.major, ".", h.minor, " (1.0, 2.0, 3.0 are read)");
  // version 1.0 stores the header length in 2 bytes, 2.0 and 3.0 in 4
  const std::uint64_t prefix = h.major == 1 ? 10 : 12;
  if (bytes.size < prefix) fail(file, "truncated .npy header (", bytes.size, " bytes)");
  const std::uint64_t header_len =
      h.major == 1 ? read_u16(bytes.data + 8) : read_u32(bytes.data + 8);
  if (header_len > kMaxNpyHeader)
    fail(file, "oversized .npy header: ", header_len, " bytes (at most ", kMaxNpyHeader,
         " are accepted)");
  if (!bytes.contains(prefix, header_len))
    fail(file, "the .npy header length (", header_len, " bytes) runs past the end of the file (",
         bytes.size, " bytes); the file is truncated");
  const std::string_view text(reinterpret_cast<const char*>(bytes.data + prefix), header_len);
  if (text.find('\0') != std::string_view::npos)
    fail(file, "garbled .npy header (it holds a NUL byte)");

  dict_reader r(text, file);
  r.expect('{');
  bool have_descr = false, have_order = false, have_shape = false;
  while (!r.accept('}')) {
    const std::string key = r.string_literal();
    r.expect(':');
    if (key == "descr") {
      if (r.peek() == '[') fail(file, "unsupported dtype (structured / record arrays are not read)");
      if (r.peek() != '\'' && r.peek() != '"') r.garbled("expected a dtype string for 'descr'");
      h.type = parse_numpy_descr(r.string_literal(), file);
      have_descr = true;
    } else if (key == "fortran_order") {
      h.fortran_order = r.bool_literal();
      have_order = true;
    } else if (key == "shape") {
      h.shape = r.shape_tuple();
      have_shape = true;
    } else {
      fail(file, "garbled .npy header: unexpected key ", quoted(key));
    }
    if (!r.accept(',')) {
      r.expect('}');
      break;
    }
  }
  if (r.peek() != '\0') r.garbled("text after the closing brace");
  if (!have_descr || !have_order || !have_shape)
    fail(file, "garbled .npy header: it lacks ",
         !have_descr ? "'descr'" : (!have_order ? "'fortran_order'" : "'shape'"));

  h.count = 1;
  for (std::int64_t d : h.shape) {
    if (!mul_size(h.count, static_cast<std::uint64_t>(d), &h.count))
      fail(file, "shape ", shape_string(h.shape), " is too large: its size overflows 64 bits");
  }
  if (!mul_size(h.count, static_cast<std::uint64_t>(h.type.size), &h.data_bytes))
    fail(file, "shape ", shape_string(h.shape), " of ", h.type.name(),
         " is too large: its byte size overflows 64 bits");
  h.data_offset = prefix + header_len;
  const std::uint64_t have = bytes.size - h.data_offset;
  if (have < h.data_bytes)
    fail(file, "truncated data: shape ", shape_string(h.shape), " of ", h.type.name(), " needs ",
         h.data_bytes, " bytes after the header, the file has ", have);
  if (have > h.data_bytes)
    fail(file, "has ", have - h.data_bytes, " unexpected bytes after the data of shape ",
         shape_string(h.shape), " (", h.type.name(), "); the header or the file is corrupt");
  return h;
}

std::string make_npy_header(const std::string& descr, const std::vector<std::int64_t>& shape) {
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " +
                     shape_string(shape) + ", }";
  // magic (6) + version (2) + length (2) + dict + padding + '\n' is a multiple of 64
  std::size_t total = 10 + dict.size() + 1;
  const std::size_t pad = (64 - total % 64) % 64;
  dict.append(pad, ' ');
  dict += '\n';
  // version 1.0, then the dict's length as a little-endian uint16
  const char version_and_length[] = {1, 0, static_cast<char>(dict.size() & 0xff),
                                     static_cast<char>((dict.size() >> 8) & 0xff)};
  return std::string(kMagic, kMagicLen) + std::string(version_and_length, 4) + dict;
}

}  // namespace embed_metrics::io
