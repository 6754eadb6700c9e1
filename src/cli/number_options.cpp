#include "cli/number_options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <system_error>

#include "cli/output.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::cli {
namespace {

constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

// Bounds as people write them: 2^31 - 1 and 2^63 - 1 by name as well.
std::string bound(std::int64_t v) {
  std::string s = std::to_string(v);
  if (v == kInt32Max) s += " (2^31 - 1)";
  if (v == kInt64Max) s += " (2^63 - 1)";
  return s;
}

std::string shown(const std::string& s) {
  // A value is echoed, at most 40 characters of it, so a stray binary
  // argument cannot fill the terminal.
  std::string out;
  for (const char c : s.substr(0, 40)) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      out += printed("\\x%02x", u);
    }
  }
  if (s.size() > 40) out += "...";
  return "'" + out + "'";
}

template <class T>
bool parse_whole(const std::string& s, T& value) {
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (first == last) return false;
  const auto [ptr, ec] = std::from_chars(first, last, value);
  return ec == std::errc() && ptr == last;
}

}  // namespace

int most_threads_option() { return std::max(1024, max_cpu_threads()); }

CLI::Validator whole_number(std::int64_t lo, std::int64_t hi) {
  const std::string want = "a whole number from " + bound(lo) + " to " + bound(hi);
  return CLI::Validator(
      [lo, hi, want](std::string& s) -> std::string {
        std::int64_t v = 0;
        if (!parse_whole(s, v)) return "expected " + want + ", got " + shown(s);
        if (v < lo || v > hi) return shown(s) + " is out of range: expected " + want;
        return {};
      },
      "in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
}

CLI::Validator unsigned_number() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        std::uint64_t v = 0;
        if (!parse_whole(s, v))
          return "expected a whole number from 0 to 18446744073709551615 (2^64 - 1), got " + shown(s);
        return {};
      },
      "in [0, 2^64 - 1]");
}

CLI::Validator positive_number() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        double v = 0.0;
        std::size_t used = 0;
        try {
          v = std::stod(s, &used);
        } catch (const std::logic_error&) {
          used = 0;
        }
        if (used == 0 || used != s.size() || !std::isfinite(v) || !(v > 0.0))
          return "expected a finite number > 0, got " + shown(s);
        return {};
      },
      "> 0");
}

CLI::Validator device_name() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        if (s == "cpu" || s == "auto" || s == "cuda") return {};
        int index = 0;
        if (s.rfind("cuda:", 0) == 0 && parse_whole(s.substr(5), index) && index >= 0) return {};
        return "unknown device " + shown(s) + ": use cpu, cuda, cuda:N (N = 0, 1, ...) or auto";
      },
      "cpu|cuda|cuda:N|auto");
}

bool parse_shape(const std::string& s, std::int64_t& rows, std::int64_t& cols) {
  const auto x = s.find_first_of("xX,");
  return x != std::string::npos && parse_whole(s.substr(0, x), rows) &&
         parse_whole(s.substr(x + 1), cols) && rows >= 1 && cols >= 1;
}

CLI::Validator shape_text() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        std::int64_t rows = 0;
        std::int64_t cols = 0;
        if (!parse_shape(s, rows, cols))
          return "expected ROWSxCOLS, two whole numbers >= 1 as in 1000x512, got " + shown(s);
        return {};
      },
      "RxC");
}

}  // namespace embed_metrics::cli
