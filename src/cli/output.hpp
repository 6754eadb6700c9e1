#pragma once
// Printing a result in the three output formats: an aligned table for people,
// JSON, and CSV (one header line, then one line per record).

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

/// A value for a table or CSV cell: numbers with up to 6 significant digits
/// in tables and full precision in CSV, strings as they are.
std::string cell(const json& v, bool full_precision);

}  // namespace embed_metrics::cli
