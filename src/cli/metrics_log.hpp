#pragma once
// The appendable metrics log a training loop builds with `eval --append`: one
// row per call, CSV (a header line, then rows) or, for a name ending in
// .jsonl, one JSON object per line. Rows are only ever appended (O_APPEND, one
// write per row), so an interrupted run loses nothing already written; `track`
// reads the log back (--from-log, or a column of it as --lp-acc).

#include <string>
#include <vector>

#include "cli/output.hpp"

namespace embed_metrics::cli {

/// True when @p path names a JSON-lines log (ends in .jsonl).
bool is_jsonl(const std::string& path);

/// Append @p row to the log at @p path, creating it (with the CSV header) when
/// it is missing or empty. An existing header (CSV) or first row's keys
/// (JSONL) that differ from @p row's keys are an error naming the file and both.
void append_log_row(const std::string& path, const json& row);

/// The number of rows already in the log at @p path (0 when it does not exist).
std::size_t log_row_count(const std::string& path);

/// True when @p path looks like a metrics log rather than a plain list of
/// numbers: a .jsonl name, or a first line with a comma.
bool is_metrics_log(const std::string& path);

/// Every row of the log at @p path, in file order; CSV cells that parse as
/// numbers become numbers, empty cells null.
std::vector<json> read_log(const std::string& path);

/// The column @p keys[0] (or the first of @p keys the log has) as numbers, one per
/// row; a missing or non-numeric cell is an error naming the file and row.
std::vector<double> read_log_column(const std::string& path, const std::vector<std::string>& keys);

}  // namespace embed_metrics::cli
