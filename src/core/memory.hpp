#pragma once
// Memory the machine has, and checks that turn an impossible or failed
// allocation into out_of_memory naming the bytes and their purpose, instead
// of std::bad_alloc (or std::terminate inside a parallel region).

#include <cstdint>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>

#include "embed_metrics/error.hpp"
#include "core/internal_api.hpp"

namespace embed_metrics::detail {

/// Bytes of physical memory on this machine (0 when it cannot be found).
[[nodiscard]] std::uint64_t physical_memory_bytes() noexcept;

/// @p count items of @p item_bytes each, saturating at UINT64_MAX instead of wrapping.
[[nodiscard]] EMBED_METRICS_INTERNAL_API std::uint64_t bytes_for(std::uint64_t count,
                                                                 std::uint64_t item_bytes) noexcept;
/// a + b, saturating.
[[nodiscard]] EMBED_METRICS_INTERNAL_API std::uint64_t add_bytes(std::uint64_t a,
                                                                 std::uint64_t b) noexcept;

/// "out of memory: needed N bytes (about X GiB) for <what>".
[[nodiscard]] EMBED_METRICS_INTERNAL_API std::string out_of_memory_message(std::uint64_t bytes,
                                                                           std::string_view what);

/// Throw out_of_memory, before anything is allocated, when @p bytes is more
/// than the machine's physical memory: "<what> needs N bytes (X GiB), but
/// this machine has M bytes (Y GiB) of memory".
EMBED_METRICS_INTERNAL_API void require_memory(std::uint64_t bytes, std::string_view what);

/// Run @p allocate; a std::bad_alloc or std::length_error from it becomes
/// out_of_memory with @p bytes and @p what.
template <class F>
decltype(auto) allocating(std::uint64_t bytes, std::string_view what, F&& allocate) {
  try {
    return allocate();
  } catch (const std::bad_alloc&) {
    throw out_of_memory(out_of_memory_message(bytes, what));
  } catch (const std::length_error&) {
    throw out_of_memory(out_of_memory_message(bytes, what));
  }
}

}  // namespace embed_metrics::detail
