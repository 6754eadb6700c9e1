#include "io/text_table.hpp"

#include <algorithm>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <string_view>

#include "io/printable.hpp"

namespace embed_metrics::io {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

// Splits the text into lines (without '\n' and a trailing '\r').
class line_reader {
 public:
  explicit line_reader(byte_span b) : s_(reinterpret_cast<const char*>(b.data), b.size) {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // a UTF-8 byte order mark
  }
  bool next(std::string_view* line) {
    if (pos_ >= s_.size()) return false;
    std::size_t end = s_.find('\n', pos_);
    if (end == std::string_view::npos) end = s_.size();
    *line = s_.substr(pos_, end - pos_);
    if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
    pos_ = end + 1;
    ++number_;
    return true;
  }
  // The next line holding data. '#' comment lines and blank lines are
  // skipped, but a blank line followed by more data once @p after_data is
  // an error: "line N is empty but <follows> on line M".
  bool next_data(std::string_view* line, bool after_data, const std::string& file,
                 const char* follows) {
    std::int64_t blank_line = 0;
    while (next(line)) {
      const std::string_view t = trim(*line);
      if (!t.empty() && t.front() == '#') continue;
      if (t.empty()) {
        if (blank_line == 0) blank_line = number_;
        continue;
      }
      if (blank_line != 0 && after_data)
        fail(file, "line ", blank_line, " is empty but ", follows, " on line ", number_);
      return true;
    }
    return false;
  }
  [[nodiscard]] std::int64_t number() const noexcept { return number_; }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
  std::int64_t number_ = 0;
};

// True when the decimal literal @p s (which from_chars found out of range)
// is too large rather than too small: its first significant digit lies left
// of the decimal point once the exponent is applied.
bool overflows(std::string_view s) {
  if (s.front() == '-') s.remove_prefix(1);
  const std::size_t e = std::min(s.find_first_of("eE"), s.size());
  const std::string_view digits = s.substr(0, e);  // digits and at most one '.'
  const std::size_t first = digits.find_first_not_of("0.");
  if (first == std::string_view::npos) return false;  // zero: never out of range, nor an overflow
  // decimal position of the first significant digit: 1 for "1.5", -2 for "0.001"
  const std::size_t point = std::min(digits.find('.'), digits.size());
  const auto position = first < point ? static_cast<std::int64_t>(point - first)
                                      : -static_cast<std::int64_t>(first - point - 1);
  std::string_view x = s.substr(std::min(e + 1, s.size()));
  if (!x.empty() && x.front() == '+') x.remove_prefix(1);
  // exponents clamped to +-2^40, beyond any position, so that the sum cannot overflow
  constexpr std::int64_t kFar = std::int64_t{1} << 40;
  std::int64_t exponent = 0;
  if (std::from_chars(x.data(), x.data() + x.size(), exponent).ec == std::errc::result_out_of_range)
    exponent = x.front() == '-' ? -kFar : kFar;
  return position + std::clamp(exponent, -kFar, kFar) > 0;
}

// A field without its blanks, quotes and leading '+' (from_chars takes no '+').
std::string_view number_text(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  return s;
}

bool parse_float(std::string_view s, float* out, bool* integer) {
  s = number_text(s);
  if (s.empty()) return false;
  const char* end = s.data() + s.size();
  auto r = std::from_chars(s.data(), end, *out);
  if (r.ec == std::errc::result_out_of_range) {
    if (r.ptr != end) return false;
    // from_chars leaves the value unset. Beyond double range the literal is
    // +-inf (then refused, or dropped, like any Inf); beyond float range
    // only, it converts to +-inf as well; a tiny one is 0 (or a subnormal).
    double d = 0;
    const auto rd = std::from_chars(s.data(), end, d);
    if (rd.ec == std::errc::result_out_of_range)
      d = overflows(s) ? (s.front() == '-' ? -HUGE_VAL : HUGE_VAL) : (s.front() == '-' ? -0.0 : 0.0);
    *out = std::fabs(d) > FLT_MAX ? static_cast<float>(std::copysign(HUGE_VALF, d)) : static_cast<float>(d);
  } else if (r.ec != std::errc() || r.ptr != end) {
    return false;
  }
  if (*integer && s.find_first_not_of("0123456789-") != std::string_view::npos) *integer = false;
  return true;
}

bool parse_int(std::string_view s, std::int64_t* out, bool* too_big) {
  s = number_text(s);
  if (s.empty()) return false;
  const char* end = s.data() + s.size();
  auto r = std::from_chars(s.data(), end, *out);
  if (r.ec == std::errc::result_out_of_range && r.ptr == end) *too_big = true;
  return r.ec == std::errc() && r.ptr == end;
}

enum class integral { yes, fraction, too_big, not_a_number };

// A float literal whose value is a whole number that fits in int64.
integral parse_integral_float(std::string_view s, std::int64_t* out) {
  s = number_text(s);
  if (s.empty()) return integral::not_a_number;
  const char* end = s.data() + s.size();
  double d = 0;
  const auto r = std::from_chars(s.data(), end, d);
  if (r.ptr != end || (r.ec != std::errc() && r.ec != std::errc::result_out_of_range))
    return integral::not_a_number;
  if (r.ec == std::errc::result_out_of_range) return overflows(s) ? integral::too_big : integral::fraction;
  if (!std::isfinite(d) || std::trunc(d) != d) return integral::fraction;
  // [-2^63, 2^63): both bounds are exact doubles
  if (d < -9223372036854775808.0 || d >= 9223372036854775808.0) return integral::too_big;
  *out = static_cast<std::int64_t>(d);
  return integral::yes;
}

// A first line such as "label": one word that does not start like a number.
bool looks_like_header(std::string_view t) {
  const bool numeric_looking = !t.empty() && (t.front() == '-' || t.front() == '+' ||
                                              (t.front() >= '0' && t.front() <= '9'));
  return !numeric_looking && t.find_first_of(",\t ") == std::string_view::npos;
}

// What is wrong with a label field @p t that parse_integral_float found to be @p f.
const char* label_problem(integral f, std::string_view t) {
  if (f == integral::too_big) return " does not fit in 64 bits";
  if (f == integral::fraction) return " is not an integer; labels must be integers";
  if (t.find_first_of(",\t") != std::string_view::npos)
    return " has several fields; expected one integer label per line";
  return " is not an integer label";
}

// Fields of one line.
template <class F>
void split(std::string_view line, char delimiter, F&& field) {
  if (delimiter != 0) {
    for (std::size_t start = 0;;) {
      const std::size_t p = line.find(delimiter, start);
      field(line.substr(start, p - start));  // to the end of the line when p is npos
      if (p == std::string_view::npos) return;
      start = p + 1;
    }
  }
  // runs of blanks separate the fields
  std::size_t start = line.find_first_not_of(" \t");
  while (start != std::string_view::npos) {
    const std::size_t end = line.find_first_of(" \t", start);
    field(line.substr(start, end - start));
    start = line.find_first_not_of(" \t", end);
  }
}

}  // namespace

text_table parse_text_table(byte_span bytes, const std::string& file, char delimiter) {
  if (bytes.size == 0) fail(file, "is empty (0 bytes)");
  text_table t;
  line_reader lines(bytes);
  std::string_view line;
  for (bool first = true; lines.next_data(&line, t.rows > 0, file, "data follows"); first = false) {
    if (first && delimiter == 0) {
      delimiter = line.find(',') != std::string_view::npos    ? ','
                  : line.find('\t') != std::string_view::npos ? '\t'
                                                              : '\0';
    }
    std::int64_t fields = 0;
    std::int64_t numbers = 0;
    std::int64_t bad_column = 0;  // 1-based; 0 = none
    std::string_view bad;
    const std::size_t before = t.values.size();
    bool integer = t.all_integer;
    split(line, delimiter, [&](std::string_view f) {
      float v = 0;
      ++fields;
      if (parse_float(f, &v, &integer)) {
        ++numbers;
      } else if (bad_column == 0) {
        bad_column = fields;
        bad = f;
      }
      t.values.push_back(v);
    });
    // The first line is a header only when none of its fields is a number;
    // a line of numbers with one bad field is data with an error in it.
    if (first && numbers == 0) {
      t.values.resize(before);
      continue;
    }
    if (bad_column != 0)
      fail(file, "line ", lines.number(), ", column ", bad_column, ": ", quoted(trim(bad)),
           " is not a number", first ? " (a header line holds no numbers at all)" : "");
    t.all_integer = integer;
    if (t.rows == 0) {
      t.cols = fields;
    } else if (fields != t.cols) {
      fail(file, "line ", lines.number(), " has ", fields, " values, the lines before it have ",
           t.cols);
    }
    ++t.rows;
  }
  if (t.rows == 0) fail(file, "holds no data rows");
  return t;
}

std::vector<std::int64_t> parse_text_labels(byte_span bytes, const std::string& file) {
  if (bytes.size == 0) fail(file, "is empty (0 bytes); expected one integer label per line");
  std::vector<std::int64_t> out;
  line_reader lines(bytes);
  std::string_view line;
  for (bool first = true; lines.next_data(&line, !out.empty(), file, "labels follow");
       first = false) {
    std::int64_t v = 0;
    bool too_big = false;
    if (!parse_int(line, &v, &too_big)) {
      const std::string_view t = trim(line);
      // np.savetxt writes integer labels held in a float array as
      // 3.000000000000000000e+00: an integer value in float notation is a label.
      const integral f = too_big ? integral::too_big : parse_integral_float(t, &v);
      if (f == integral::not_a_number && first && looks_like_header(t)) continue;
      if (f != integral::yes)
        fail(file, "line ", lines.number(), ": ", quoted(t), label_problem(f, t));
    }
    out.push_back(v);
  }
  if (out.empty()) fail(file, "holds no labels");
  return out;
}

}  // namespace embed_metrics::io
