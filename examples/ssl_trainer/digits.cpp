#include "digits.hpp"

#include <zlib.h>

#include <cstdlib>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace ssl_trainer {
namespace {

constexpr int kPixels = 64;
constexpr float kMaxPixel = 16.0F;

std::string read_gz(const std::string& path) {
  std::unique_ptr<gzFile_s, int (*)(gzFile)> f(gzopen(path.c_str(), "rb"), gzclose);
  if (!f) throw std::runtime_error("cannot open digits file " + path);
  std::string text;
  char buf[1 << 16];
  for (;;) {
    const int got = gzread(f.get(), buf, sizeof(buf));
    if (got < 0) {
      int code = 0;
      throw std::runtime_error("cannot read digits file " + path + ": " + gzerror(f.get(), &code));
    }
    if (got == 0) break;
    text.append(buf, static_cast<std::size_t>(got));
  }
  return text;
}

[[noreturn]] void bad_line(const std::string& path, std::int64_t line, const std::string& what) {
  throw std::runtime_error("digits file " + path + ", line " + std::to_string(line) + ": " + what +
                           " (expected 64 pixel values in 0..16 and a label in 0..9)");
}

}  // namespace

digits load_digits(const std::string& path, std::int64_t limit) {
  const std::string text = read_gz(path);
  std::vector<float> pixels;
  digits out;
  std::istringstream lines(text);
  std::string line;
  std::int64_t line_no = 0;
  while (std::getline(lines, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (limit > 0 && static_cast<std::int64_t>(out.labels.size()) == limit) break;
    const char* p = line.c_str();
    for (int j = 0; j <= kPixels; ++j) {
      char* end = nullptr;
      const long v = std::strtol(p, &end, 10);
      if (end == p) bad_line(path, line_no, "field " + std::to_string(j + 1) + " is not an integer");
      if (j < kPixels) {
        if (v < 0 || v > 16) bad_line(path, line_no, "pixel " + std::to_string(v) + " out of range");
        pixels.push_back(static_cast<float>(v) / kMaxPixel);
      } else {
        if (v < 0 || v > 9) bad_line(path, line_no, "label " + std::to_string(v) + " out of range");
        out.labels.push_back(v);
      }
      p = end;
      if (j < kPixels) {
        if (*p != ',') bad_line(path, line_no, "fewer than 65 fields");
        ++p;
      } else if (*p != '\0') {
        bad_line(path, line_no, "more than 65 fields");
      }
    }
  }
  const auto n = static_cast<std::int64_t>(out.labels.size());
  if (n == 0) throw std::runtime_error("digits file " + path + " holds no images");
  out.images = torch::from_blob(pixels.data(), {n, 1, 8, 8}, torch::kFloat32).clone();
  return out;
}

}  // namespace ssl_trainer
