#pragma once
/// @file io.hpp
/// @brief Loading embeddings and labels from the files people already have
/// (.npy, .npz, .safetensors, CSV/TSV, raw binary, one-label-per-line text),
/// and writing .npy results. Bad input throws format_error or io_error naming
/// the file and what is wrong; nothing is read past the end of a file.
/// Only regular files are read: a directory, FIFO, device or socket (also
/// /dev/stdin when it is a terminal or a pipe) is refused at once, without
/// waiting for a writer. Files are memory-mapped. A little-endian float32 array of 32 MiB or more
/// in C order (.npy or raw) is used in place: the matrix keeps the file's
/// private, copy-on-write mapping (writes to the matrix never reach the file;
/// as with any mapping, the file must not be truncated while it is in use).

#include <cstdint>
#include <string>
#include <vector>

#include "embed_metrics/error.hpp"
#include "embed_metrics/export.hpp"
#include "embed_metrics/matrix.hpp"

namespace embed_metrics {

/// @brief How to read a file.
struct load_options {
  std::string array;            ///< .npz / .safetensors: the array or tensor; "" = the only one
  std::int64_t raw_rows = -1;   ///< raw binary: rows (required for raw files)
  std::int64_t raw_cols = -1;   ///< raw binary: columns (required for raw files)
  std::string raw_dtype = "f4"; ///< raw binary: NumPy-style dtype (f2, f4, f8, <f4, >f8, i8, ...)
  bool drop_nonfinite = false;  ///< drop rows holding NaN/Inf (and say how many) instead of failing
};

/// @brief Embeddings read from a file, converted to row-major float32.
struct loaded_embeddings {
  host_matrix matrix;                      ///< the rows kept
  std::string format;                      ///< "npy", "npz", "safetensors", "csv", "tsv", "raw"
  std::string source_dtype;                ///< dtype in the file, NumPy style ("<f2", "bf16", ...; "text" for CSV/TSV)
  std::int64_t dropped_rows = 0;           ///< rows dropped for NaN/Inf (drop_nonfinite)
  std::vector<std::int64_t> kept_rows;     ///< file row of each kept row (empty when none dropped)
};

/// @brief Read an embeddings matrix (2-D; a 1-D array is read as n x 1, and a
/// C-order array of more dimensions as n x the product of the others).
/// The format is raw when options give raw_rows/raw_cols; else it is found
/// from the magic bytes (.npy, zip = .npz, safetensors), then the extension
/// (.npy, .npz, .safetensors, .csv, .tsv; other text is split on commas,
/// tabs or blanks). Large files are memory-mapped and converted in one pass.
/// Text is strict: the first line is a header only when none of its fields
/// is a number (otherwise a bad field there is an error naming the line and
/// column), and a value beyond float range reads as +-Inf (refused, or
/// dropped with drop_nonfinite), never as 0.
/// @throws io_error, format_error with the file name and the problem;
///         invalid_argument for NaN/Inf (first offending row) unless drop_nonfinite.
[[nodiscard]] EMBED_METRICS_API loaded_embeddings load_embeddings(const std::string& path,
                                                const load_options& options = {});

/// @brief Read integer labels: a 1-D integer .npy/.npz/.safetensors array, or
/// text/CSV with one integer per line (a header line and '#' comment lines
/// are allowed). A whole number in float notation, as np.savetxt writes a
/// float array ("3.000000000000000000e+00"), is read as that integer; any
/// other fraction is an error.
[[nodiscard]] EMBED_METRICS_API std::vector<std::int64_t> load_labels(const std::string& path,
                                                    const load_options& options = {});

/// @brief What a file holds, without converting it.
struct file_info {
  std::string format;                  ///< as in loaded_embeddings::format, or "text"
  std::string dtype;                   ///< NumPy-style dtype of the data ("int64" / "float32" for text)
  std::vector<std::int64_t> shape;     ///< array shape
  std::int64_t bytes = 0;              ///< size of the data in bytes (the file size for text)
  std::vector<std::string> arrays;     ///< names of all arrays / tensors (.npz, .safetensors)
  std::int64_t distinct_values = -1;   ///< for integer data: number of distinct values; else -1
};

/// @brief Inspect @p path (the array named by options.array for archives).
/// For an archive holding several arrays and no options.array, only format,
/// arrays and bytes (the file size) are filled: dtype is "" and shape empty.
[[nodiscard]] EMBED_METRICS_API file_info inspect_file(const std::string& path,
                                                       const load_options& options = {});

/// @brief Write a 2-D float32 .npy (version 1.0, little endian, C order).
/// Every save_npy (and every output of the tool) writes to a temporary file
/// with a short name in the target's folder, flushes it to disk and renames
/// it into place, so a failure leaves no partial file and an output name may
/// use the file system's whole name length. What @p path may name:
///  - a new name or a regular file: created or replaced (its permissions kept);
///  - a symbolic link to a regular file: the file it points to is replaced,
///    the link is kept;
///  - a character device such as /dev/null: written straight through, never
///    renamed over;
///  - anything else (a directory, FIFO, socket, block device, a dangling
///    link, a read-only file) is refused with io_error and left untouched.
/// The rules are checked again just before the rename.
EMBED_METRICS_API void save_npy(const std::string& path, matrix_view m);
/// @brief Write a 1-D int64 .npy.
EMBED_METRICS_API void save_npy(const std::string& path, const std::vector<std::int64_t>& values);
/// @brief Write a 1-D float64 .npy.
EMBED_METRICS_API void save_npy(const std::string& path, const std::vector<double>& values);

}  // namespace embed_metrics
