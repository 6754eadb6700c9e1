#pragma once
// Element types of the files we read (NumPy descr strings such as "<f4",
// ">i8", "|u1", safetensors names such as "BF16") and the one-pass
// conversions to float32 and int64.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/internal_api.hpp"

namespace embed_metrics::io {

enum class dtype_kind { floating, bfloat16, signed_int, unsigned_int, boolean };

struct dtype {
  dtype_kind kind = dtype_kind::floating;
  int size = 4;             ///< bytes per element
  bool big_endian = false;  ///< byte order in the file

  /// NumPy-style name: "<f4", ">f8", "<i8", "|u1", "|b1"; "bf16" for bfloat16.
  [[nodiscard]] std::string name() const;
  /// True for integer and boolean data.
  [[nodiscard]] bool is_integer() const noexcept {
    return kind == dtype_kind::signed_int || kind == dtype_kind::unsigned_int ||
           kind == dtype_kind::boolean;
  }
};

/// Parse a NumPy descr ("<f4", "|b1", ">i2", "=f8", ...). Throws format_error
/// "<file>: unsupported dtype ..." naming the kind for object, complex,
/// string, datetime, void and other types.
dtype parse_numpy_descr(std::string_view descr, const std::string& file);

/// Parse a user-given dtype for raw files: a NumPy descr with or without
/// byte order ("f4", "<f4", ">f8", "i8"), or "bf16", "float16", "float32",
/// "float64", "bfloat16". Throws invalid_argument naming @p file (the raw
/// file it is for) and the accepted ones.
dtype parse_dtype_option(std::string_view text, const std::string& file);

/// Convert @p n elements at @p src (type @p t, any alignment) to float32.
EMBED_METRICS_INTERNAL_API void convert_to_float(const std::uint8_t* src, const dtype& t, std::uint64_t n, float* dst) noexcept;

/// Convert @p n elements to int64. Floating values must be finite integers
/// that fit; returns the index of the first element that is not (and stops),
/// or -1 when all converted. Unsigned values above INT64_MAX also fail.
std::int64_t convert_to_int64(const std::uint8_t* src, const dtype& t, std::uint64_t n,
                              std::int64_t* dst) noexcept;

}  // namespace embed_metrics::io
