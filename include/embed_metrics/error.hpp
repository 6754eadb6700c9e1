#pragma once
/// @file error.hpp
/// @brief The exception hierarchy: every error the library throws derives from
/// embed_metrics::error, and its message names the input and the fix.

#include <stdexcept>
#include <string>

#include "embed_metrics/export.hpp"

namespace embed_metrics {

/// @brief Base of every exception thrown by the library.
class EMBED_METRICS_API error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// @brief A parameter or input has the wrong shape, value or placement.
class EMBED_METRICS_API invalid_argument : public error {
 public:
  using error::error;
};

/// @brief A file could not be opened, read or written.
class EMBED_METRICS_API io_error : public error {
 public:
  using error::error;
};

/// @brief A file was read but its content is malformed or unsupported.
class EMBED_METRICS_API format_error : public io_error {
 public:
  using io_error::io_error;
};

/// @brief A backend was asked for that this build or machine does not have
/// (for example "cuda" in a build without CUDA, or on a machine without a GPU).
class EMBED_METRICS_API backend_unavailable : public error {
 public:
  using error::error;
};

/// @brief A CUDA runtime or cuBLAS call failed; the message gives file:line.
class EMBED_METRICS_API cuda_error : public error {
 public:
  using error::error;
};

/// @brief Memory for a computation could not be had, on the host or a device:
/// an allocation failed, or the memory a request needs is more than the
/// machine has. The message says how many bytes were needed and for what.
/// The call's memory is returned, so a later call may succeed once memory is
/// freed (for example a framework's cache).
class EMBED_METRICS_API out_of_memory : public error {
 public:
  using error::error;
};

/// @brief A long computation was stopped by the caller (for example Ctrl-C).
class EMBED_METRICS_API interrupted : public error {
 public:
  using error::error;
};

}  // namespace embed_metrics
