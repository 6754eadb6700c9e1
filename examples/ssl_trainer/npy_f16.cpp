#include "npy_f16.hpp"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace ssl_trainer {

void save_npy_f16(const std::string& path, const torch::Tensor& matrix) {
  if (matrix.dim() != 2) throw std::runtime_error("save_npy_f16: " + path + ": need a 2-D matrix");
  const auto half = matrix.detach().to(torch::kCPU).to(torch::kHalf).contiguous();
  std::string header = "{'descr': '<f2', 'fortran_order': False, 'shape': (" +
                       std::to_string(half.size(0)) + ", " + std::to_string(half.size(1)) + "), }";
  // Magic (6) + version (2) + length (2) + header, padded with spaces and a
  // final newline to a multiple of 64 bytes.
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');

  const std::uint16_t one = 1;
  if (*reinterpret_cast<const unsigned char*>(&one) != 1)
    throw std::runtime_error("save_npy_f16: writes little-endian files on little-endian hosts only");
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + tmp);
    const auto len = static_cast<std::uint16_t>(header.size());
    out.write("\x93NUMPY\x01\x00", 8);
    const char len_bytes[2] = {static_cast<char>(len & 0xFF), static_cast<char>(len >> 8)};
    out.write(len_bytes, 2);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    out.write(static_cast<const char*>(half.data_ptr()),
              static_cast<std::streamsize>(half.numel() * 2));
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot rename " + tmp + " to " + path);
  }
}

}  // namespace ssl_trainer
