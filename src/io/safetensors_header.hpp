#pragma once
// The .safetensors header: an 8-byte little-endian length, then a JSON object
// {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}.
// Validated in full: offsets inside the data area, shape x dtype size equal
// to the byte range, no two tensors overlapping. Pure, so it can be fuzzed.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/bytes.hpp"
#include "io/dtype.hpp"

namespace embed_metrics::io {

/// Headers longer than this are refused (the reference implementation's limit).
inline constexpr std::uint64_t kMaxSafetensorsHeader = 100u << 20;

struct tensor_entry {
  std::string name;
  std::string dtype_name;        ///< as in the file: "F32", "BF16", ...
  std::optional<dtype> type;     ///< empty for dtypes that are not read (F8_*, complex)
  std::vector<std::int64_t> shape;
  std::uint64_t count = 0;       ///< elements
  std::uint64_t begin = 0;       ///< byte offsets into the data area
  std::uint64_t end = 0;
};

struct safetensors_header {
  std::vector<tensor_entry> tensors;  ///< in file order of their data
  std::uint64_t data_start = 0;       ///< offset of the data area in the file
};

safetensors_header parse_safetensors(byte_span bytes, const std::string& file);

}  // namespace embed_metrics::io
