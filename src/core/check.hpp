#pragma once
// Argument checks that throw embed_metrics errors with a message naming the
// input and the fix. Internal header (also usable from .cu files).

#include <sstream>
#include <string>
#include <utility>

#include "embed_metrics/error.hpp"

namespace embed_metrics::detail {

/// Concatenate streamable values into one string (for error messages).
template <class... Args>
std::string cat(Args&&... args) {
  std::ostringstream os;
  (os << ... << std::forward<Args>(args));
  return os.str();
}

}  // namespace embed_metrics::detail

/// Throw embed_metrics::invalid_argument(message...) unless cond holds. The
/// message parts are only evaluated on failure.
#define EM_EXPECTS(cond, ...)                                                          \
  do {                                                                                 \
    if (!(cond)) throw ::embed_metrics::invalid_argument(::embed_metrics::detail::cat(__VA_ARGS__)); \
  } while (0)
