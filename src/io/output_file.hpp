#pragma once
// The one way every output (save_npy, the tool's --out, --centers,
// --samples, --plot) reaches the disk. A regular file is written to a
// temporary file in the same folder, flushed to disk and renamed into place,
// so a failure never leaves a partial or truncated file and a reader sees the
// old file or the new one, never half of it. The rules on what a path may
// name (see output_target) are checked once up front and again just before
// the rename, so nothing that is not a regular file is ever replaced.

#include <cstddef>
#include <string>
#include <string_view>
#include "core/internal_api.hpp"

namespace embed_metrics::io {

/// Where an output path leads.
///  - a regular file, or nothing yet: replaced (created) by rename;
///  - a symbolic link to a regular file: the link is kept and the file it
///    points to is replaced (the temporary file goes in that file's folder);
///  - a character device such as /dev/null: written straight through, never
///    renamed over (no atomicity: a device holds no old content to keep);
///  - a directory, FIFO, socket, block device, a dangling link, or a
///    read-only file: refused with an io_error naming the path.
struct output_target {
  std::string path;         ///< as given (used in messages)
  std::string replace;      ///< the regular file to create or replace; "" for a device
  bool device = false;      ///< a character device: written in place
  unsigned mode = 0644;     ///< permission bits of the new file
};

/// Check @p path against the rules above, without touching anything.
/// @throws io_error naming the path and what it is.
EMBED_METRICS_INTERNAL_API output_target check_output_target(const std::string& path);

/// An output being written; commit() puts it in place, the destructor of an
/// uncommitted one removes the temporary file and leaves the target as it was.
class output_file {
 public:
  explicit output_file(const std::string& path);
  ~output_file();
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;

  void write(const void* data, std::size_t n);
  /// Flush to disk and rename into place (or close the device).
  void commit();

 private:
  output_target target_;
  std::string tmp_;
  int fd_ = -1;
  bool done_ = false;
};

/// Write @p bytes to @p path through output_file.
EMBED_METRICS_INTERNAL_API void write_output_file(const std::string& path, std::string_view bytes);

}  // namespace embed_metrics::io
