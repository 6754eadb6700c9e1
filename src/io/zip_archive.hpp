#pragma once
// The parts of the zip format a .npz needs: the end-of-central-directory
// record (and its zip64 form), the central directory, local headers, and
// stored or deflated (zlib) entries with their CRC-32 checked. Pure functions
// of the bytes, so they can be fuzzed; corrupt archives end in format_error.

#include <cstdint>
#include <string>
#include <vector>

#include "io/bytes.hpp"

namespace embed_metrics::io {

struct zip_entry {
  std::string name;
  std::uint16_t flags = 0;
  std::uint16_t method = 0;  ///< 0 stored, 8 deflated
  std::uint32_t crc32 = 0;
  std::uint64_t compressed_size = 0;
  std::uint64_t size = 0;
  std::uint64_t local_offset = 0;
};

/// The entries listed in the central directory of the zip in @p bytes.
std::vector<zip_entry> read_zip_directory(byte_span bytes, const std::string& file);

/// The uncompressed content of @p e: inflated for deflated entries, copied
/// for stored ones; the size and CRC-32 are checked against the directory.
std::vector<std::uint8_t> zip_extract(byte_span bytes, const zip_entry& e, const std::string& file);

/// For a stored entry, check its CRC-32 in place and return its bytes.
byte_span zip_stored(byte_span bytes, const zip_entry& e, const std::string& file);

}  // namespace embed_metrics::io
