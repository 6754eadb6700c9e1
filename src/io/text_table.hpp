#pragma once
// Text inputs: CSV / TSV / whitespace tables of numbers (an optional header
// line, '#' comment lines), and labels with one integer per line.

#include <cstdint>
#include <string>
#include <vector>

#include "io/bytes.hpp"

namespace embed_metrics::io {

struct text_table {
  std::vector<float> values;  ///< row-major
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  bool all_integer = true;   ///< every field is an integer literal
};

/// Parse a table whose fields are separated by @p delimiter (',' or '\t'),
/// or, when it is 0, by the first of ',', '\t' or runs of blanks found on the
/// first data line. Errors name the file, the line and the field.
text_table parse_text_table(byte_span bytes, const std::string& file, char delimiter);

/// Parse labels, one integer per line; the first line may be a header.
std::vector<std::int64_t> parse_text_labels(byte_span bytes, const std::string& file);

}  // namespace embed_metrics::io
