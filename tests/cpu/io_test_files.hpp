#pragma once
// Helpers of the io tests: write bytes to a file, and build .npy files with
// any header (version, byte order, memory order) so that both good and
// malformed files are made by the tests themselves.

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "embed_metrics/error.hpp"

namespace em_test::io {

inline std::string write_file(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return p.string();
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Bytes of the values, as the machine stores them (little endian here).
template <class T>
std::string raw_bytes(const std::vector<T>& v) {
  std::string s(v.size() * sizeof(T), '\0');
  if (!v.empty()) std::memcpy(s.data(), v.data(), s.size());
  return s;
}

/// Reverse the byte order of each element of @p size bytes.
inline std::string swap_bytes(std::string s, std::size_t size) {
  for (std::size_t i = 0; i + size <= s.size(); i += size)
    for (std::size_t k = 0; k < size / 2; ++k) std::swap(s[i + k], s[i + size - 1 - k]);
  return s;
}

/// A .npy file: magic, version @p major.0, and the dict text as given
/// (padded to 64 bytes with a final newline).
inline std::string npy_with_dict(const std::string& dict, int major = 1) {
  const std::size_t prefix = major == 1 ? 10 : 12;
  std::string d = dict;
  const std::size_t total = prefix + d.size() + 1;
  d.append((64 - total % 64) % 64, ' ');
  d += '\n';
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += '\0';
  const std::size_t n = d.size();
  out += static_cast<char>(n & 0xff);
  out += static_cast<char>((n >> 8) & 0xff);
  if (major != 1) {
    out += static_cast<char>((n >> 16) & 0xff);
    out += static_cast<char>((n >> 24) & 0xff);
  }
  return out + d;
}

/// A .npy file holding @p data with the given descr, shape text ("(3, 4)") and order.
inline std::string npy_file(const std::string& descr, const std::string& shape,
                            const std::string& data, bool fortran = false, int major = 1) {
  return npy_with_dict("{'descr': '" + descr + "', 'fortran_order': " +
                           (fortran ? "True" : "False") + ", 'shape': " + shape + ", }",
                       major) +
         data;
}

/// Expect @p f to throw an embed_metrics error of type E whose message holds
/// every one of @p parts.
template <class E, class F>
void expect_error(F&& f, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "no exception; expected one mentioning '" << parts.front() << "'";
  } catch (const E& e) {
    const std::string msg = e.what();
    for (const auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << "message: " << msg << "\nlacks: " << p;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception type: " << e.what();
  }
}

}  // namespace em_test::io
