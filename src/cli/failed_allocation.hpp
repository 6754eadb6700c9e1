#pragma once
// The tool replaces the global operator new (src/cli/failed_allocation.cpp)
// only to remember the size of an allocation that failed, so that a
// std::bad_alloc from anywhere (the library's containers included) reaches
// the user as "out of memory: needed N bytes for ...", never as raw text.

#include <string>
#include <string_view>

namespace embed_metrics::cli {

/// The message for a std::bad_alloc caught while doing @p activity:
/// "out of memory: needed N bytes (X GiB) for <activity>".
[[nodiscard]] std::string bad_alloc_message(std::string_view activity);

/// The message for a std::length_error (a size no allocation can hold).
[[nodiscard]] std::string length_error_message(std::string_view activity);

}  // namespace embed_metrics::cli
