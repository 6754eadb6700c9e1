#pragma once
// Printing a result in the three output formats: an aligned table for people,
// JSON, and CSV (one header line, then one line per record); and the checks
// every output file option (--out, --centers, --samples, --plot) passes
// before any work starts.

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <string>
#include <vector>

namespace embed_metrics::cli {

using json = nlohmann::ordered_json;

/// Print one record (a flat or nested JSON object) in @p format. In table and
/// CSV form, nested arrays and objects are written as compact JSON.
void print_record(std::ostream& os, const json& record, const std::string& format);

/// Print several records with the same keys: a JSON array, CSV rows, or an
/// aligned table with one row per record.
void print_records(std::ostream& os, const std::vector<json>& records, const std::string& format);

/// printf into a string (numbers and short labels: at most 127 characters).
[[gnu::format(printf, 1, 2)]] std::string printed(const char* format, ...);

/// @p s as one CSV field: quoted (inner quotes doubled) when it holds a comma,
/// a quote or a line break.
std::string csv_escape(const std::string& s);

/// @p cells as one CSV line (no line break): each escaped, joined by commas.
std::string csv_line(const std::vector<std::string>& cells);

/// The keys of the object @p record, in its order.
std::vector<std::string> keys_of(const json& record);

/// A value for a table or CSV cell: numbers with up to 6 significant digits
/// in tables and full precision in CSV, strings as they are.
std::string cell(const json& v, bool full_precision);

/// True when @p a and @p b name one file (by inode, through links), or, when
/// either does not exist yet, the same normalised path.
bool same_file(const std::string& a, const std::string& b);

/// Refuse, before any work is done, an output @p path (given with @p flag)
/// that names one of @p inputs (also through a link) or that may not be
/// written (a directory, FIFO, socket, block device, dangling link or
/// read-only file: the rules of io::output_file, which writes every output).
/// Nothing happens for an empty path (the output was not asked for).
/// @throws invalid_argument (an input) or io_error, naming the flag and path.
void check_output(const std::string& path, const std::vector<std::string>& inputs,
                  const std::string& flag);

/// The bytes of the input file @p path (given with @p flag), read as every
/// input is: a FIFO, device or folder is refused at once, never waited on.
std::string read_text_input(const std::string& path, const std::string& flag);

/// Write @p text to @p path (given with @p flag) through io::output_file.
void write_text_output(const std::string& path, const std::string& text, const std::string& flag);

}  // namespace embed_metrics::cli
