#include "io/text_table.hpp"

#include <charconv>
#include <string_view>

namespace embed_metrics::io {
namespace {

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
  [[nodiscard]] std::int64_t number() const noexcept { return number_; }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
  std::int64_t number_ = 0;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

bool parse_float(std::string_view s, float* out, bool* integer) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  const char* end = s.data() + s.size();
  auto r = std::from_chars(s.data(), end, *out);
  if (r.ec == std::errc::result_out_of_range) {
    // from_chars leaves the value unset; a literal beyond float range is +-inf
    // (as NumPy reads it), a tiny one is 0.
    double d = 0;
    auto rd = std::from_chars(s.data(), end, d);
    if (rd.ptr != end) return false;
    *out = static_cast<float>(d);
  } else if (r.ec != std::errc() || r.ptr != end) {
    return false;
  }
  if (*integer) {
    for (char c : s) {
      if (!((c >= '0' && c <= '9') || c == '-')) {
        *integer = false;
        break;
      }
    }
  }
  return true;
}

bool parse_int(std::string_view s, std::int64_t* out, bool* too_big) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  const char* end = s.data() + s.size();
  auto r = std::from_chars(s.data(), end, *out);
  if (r.ec == std::errc::result_out_of_range && r.ptr == end) *too_big = true;
  return r.ec == std::errc() && r.ptr == end;
}

bool blank(std::string_view s) { return trim(s).empty(); }

// Fields of one line.
template <class F>
void split(std::string_view line, char delimiter, F&& field) {
  if (delimiter != 0) {
    std::size_t start = 0;
    while (true) {
      const std::size_t p = line.find(delimiter, start);
      field(line.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
      if (p == std::string_view::npos) break;
      start = p + 1;
    }
    return;
  }
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size()) break;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    field(line.substr(start, i - start));
  }
}

std::string quote(std::string_view s) {
  if (s.size() > 40) return detail::cat("'", s.substr(0, 40), "...'");
  return detail::cat("'", s, "'");
}

}  // namespace

text_table parse_text_table(byte_span bytes, const std::string& file, char delimiter) {
  if (bytes.size == 0) fail(file, "is empty (0 bytes)");
  text_table t;
  line_reader lines(bytes);
  std::string_view line;
  bool first = true;
  std::int64_t blank_line = 0;
  while (lines.next(&line)) {
    if (!trim(line).empty() && trim(line).front() == '#') continue;
    if (blank(line)) {
      if (blank_line == 0) blank_line = lines.number();
      continue;
    }
    if (blank_line != 0 && t.rows > 0)
      fail(file, "line ", blank_line, " is empty but data follows on line ", lines.number());
    blank_line = 0;
    if (first && delimiter == 0) {
      delimiter = line.find(',') != std::string_view::npos    ? ','
                  : line.find('\t') != std::string_view::npos ? '\t'
                                                              : '\0';
    }
    std::int64_t fields = 0;
    std::string_view bad;
    bool ok = true;
    const std::size_t before = t.values.size();
    split(line, delimiter, [&](std::string_view f) {
      float v = 0;
      if (ok && !parse_float(f, &v, &t.all_integer)) {
        ok = false;
        bad = f;
      }
      t.values.push_back(v);
      ++fields;
    });
    if (!ok && first) {  // a header line
      t.values.resize(before);
      t.header = true;
      first = false;
      continue;
    }
    if (!ok)
      fail(file, "line ", lines.number(), ": ", quote(trim(bad)), " is not a number");
    if (t.rows == 0) {
      t.cols = fields;
    } else if (fields != t.cols) {
      fail(file, "line ", lines.number(), " has ", fields, " values, the lines before it have ",
           t.cols);
    }
    ++t.rows;
    first = false;
  }
  if (t.rows == 0) fail(file, "holds no data rows");
  return t;
}

std::vector<std::int64_t> parse_text_labels(byte_span bytes, const std::string& file) {
  if (bytes.size == 0) fail(file, "is empty (0 bytes); expected one integer label per line");
  std::vector<std::int64_t> out;
  line_reader lines(bytes);
  std::string_view line;
  std::int64_t blank_line = 0;
  bool first = true;
  while (lines.next(&line)) {
    if (blank(line)) {
      if (blank_line == 0) blank_line = lines.number();
      continue;
    }
    if (blank_line != 0 && !out.empty())
      fail(file, "line ", blank_line, " is empty but labels follow on line ", lines.number());
    blank_line = 0;
    std::int64_t v = 0;
    bool too_big = false;
    if (!parse_int(line, &v, &too_big)) {
      const std::string_view t = trim(line);
      if (too_big) fail(file, "line ", lines.number(), ": ", quote(t), " does not fit in 64 bits");
      if (first) {
        bool numeric_looking = !t.empty() && (t.front() == '-' || t.front() == '+' ||
                                              (t.front() >= '0' && t.front() <= '9'));
        if (!numeric_looking && t.find_first_of(",\t ") == std::string_view::npos) {
          first = false;  // a header line such as "label"
          continue;
        }
      }
      if (t.find_first_of(",\t") != std::string_view::npos)
        fail(file, "line ", lines.number(), ": ", quote(t),
             " has several fields; expected one integer label per line");
      float f = 0;
      bool integer = true;
      if (parse_float(t, &f, &integer))
        fail(file, "line ", lines.number(), ": ", quote(t),
             " is not an integer; labels must be integers");
      fail(file, "line ", lines.number(), ": ", quote(t), " is not an integer label");
    }
    out.push_back(v);
    first = false;
  }
  if (out.empty()) fail(file, "holds no labels");
  return out;
}

}  // namespace embed_metrics::io
