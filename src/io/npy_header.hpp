#pragma once
// The .npy header (format versions 1.0, 2.0 and 3.0): magic, version, header
// length, and the Python dict literal {'descr': ..., 'fortran_order': ...,
// 'shape': (...)}. Parsing is pure (bytes in, struct out) so that it can be
// fuzzed; every malformed input ends in format_error naming the file.

#include <cstdint>
#include <string>
#include <vector>

#include "core/internal_api.hpp"

#include "io/bytes.hpp"
#include "io/dtype.hpp"

namespace embed_metrics::io {

/// Headers longer than this are refused (NumPy itself writes < 200 bytes for
/// the dtypes read here and refuses > 10000 by default).
inline constexpr std::uint64_t kMaxNpyHeader = 65536;
/// More dimensions than this are refused.
inline constexpr std::size_t kMaxDims = 32;

struct npy_header {
  int major = 1;
  int minor = 0;
  dtype type;
  bool fortran_order = false;
  std::vector<std::int64_t> shape;
  std::uint64_t count = 0;        ///< number of elements (product of shape)
  std::uint64_t data_offset = 0;  ///< where the data starts
  std::uint64_t data_bytes = 0;   ///< count * type.size
};

/// True when @p bytes starts with the .npy magic.
EMBED_METRICS_INTERNAL_API bool is_npy(byte_span bytes) noexcept;

/// Parse the header of the .npy held in @p bytes and check that exactly
/// data_bytes bytes of data follow it.
EMBED_METRICS_INTERNAL_API npy_header parse_npy(byte_span bytes, const std::string& file);

/// The header bytes save_npy writes (version 1.0, padded to 64 bytes).
std::string make_npy_header(const std::string& descr, const std::vector<std::int64_t>& shape);

/// "(3, 4)" / "(5,)" style, for messages.
EMBED_METRICS_INTERNAL_API std::string shape_string(const std::vector<std::int64_t>& shape);

}  // namespace embed_metrics::io
