#pragma once
// Names for what a path is (a directory, a FIFO, a device, ...), so that a
// refused input or output says exactly why.

#include <sys/types.h>

namespace embed_metrics::io {

/// "a directory", "a FIFO (named pipe)", "a character device", "a block
/// device", "a socket", "a regular file", or "a special file".
const char* file_kind(mode_t mode) noexcept;

}  // namespace embed_metrics::io
