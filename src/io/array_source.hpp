#pragma once
// Finding the array in a file: format detection (magic bytes first, then the
// extension), and for the binary formats the element type, shape, memory
// order and byte range of the selected array, with the memory kept alive.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "embed_metrics/io.hpp"
#include "io/dtype.hpp"
#include "io/mapped_file.hpp"

namespace embed_metrics::io {

enum class file_format { npy, npz, safetensors, csv, tsv, text, raw };

/// "npy", "npz", ... as in loaded_embeddings::format.
const char* format_name(file_format f) noexcept;

/// What @p file holds: raw when the options give a shape; else by magic
/// bytes, then by extension. Throws format_error for an empty file or one
/// that is none of the formats.
file_format detect_format(const mapped_file& file, const load_options& options);

/// True for csv, tsv and text.
inline bool is_text(file_format f) noexcept {
  return f == file_format::csv || f == file_format::tsv || f == file_format::text;
}

/// One array of a binary file.
struct array_data {
  std::string file;                 ///< path, for messages
  file_format format = file_format::npy;
  std::vector<std::string> names;   ///< all arrays of an archive
  dtype type;
  std::vector<std::int64_t> shape;
  bool fortran_order = false;
  std::uint64_t count = 0;          ///< elements
  byte_span data;                   ///< count * type.size bytes
  std::shared_ptr<const mapped_file> map;   ///< keeps mapped data alive
  std::shared_ptr<const std::vector<std::uint8_t>> owned;  ///< keeps inflated data alive
};

/// Names of the arrays in an archive (npz, safetensors); empty for other formats.
std::vector<std::string> array_names(const mapped_file& file, file_format format);

/// Open the array of a binary file (npy, npz, safetensors, raw), selecting
/// options.array in archives.
array_data open_array(std::shared_ptr<const mapped_file> file, file_format format,
                      const load_options& options);

}  // namespace embed_metrics::io
