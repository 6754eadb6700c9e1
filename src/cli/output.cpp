#include "cli/output.hpp"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <system_error>

#include "core/check.hpp"
#include "embed_metrics/error.hpp"
#include "io/mapped_file.hpp"
#include "io/output_file.hpp"

namespace embed_metrics::cli {

std::string printed(const char* format, ...) {
  char buf[128];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  return buf;
}

std::string csv_escape(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_line(const std::vector<std::string>& cells) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + csv_escape(cells[i]);
  return line;
}

std::vector<std::string> keys_of(const json& record) {
  std::vector<std::string> keys;
  for (auto it = record.begin(); it != record.end(); ++it) keys.push_back(it.key());
  return keys;
}

std::string cell(const json& v, bool full_precision) {
  if (v.is_null()) return full_precision ? "" : "-";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float()) return printed(full_precision ? "%.17g" : "%.6g", v.get<double>());
  return v.dump();
}

void print_record(std::ostream& os, const json& record, const std::string& format) {
  if (format == "json") {
    os << record.dump(2) << '\n';
    return;
  }
  if (format == "csv") return print_records(os, {record}, format);
  std::size_t width = 0;
  for (auto it = record.begin(); it != record.end(); ++it) width = std::max(width, it.key().size());
  for (auto it = record.begin(); it != record.end(); ++it) {
    os << it.key() << std::string(width - it.key().size() + 2, ' ') << cell(it.value(), false)
       << '\n';
  }
}

void print_records(std::ostream& os, const std::vector<json>& records, const std::string& format) {
  if (format == "json") {
    os << json(records).dump(2) << '\n';
    return;
  }
  if (records.empty()) return;
  const bool csv = format == "csv";
  const std::vector<std::string> keys = keys_of(records.front());
  std::vector<std::vector<std::string>> lines{keys};  // the header, then one line per record
  for (const auto& r : records) {
    std::vector<std::string> line;
    for (const auto& k : keys) line.push_back(cell(r.contains(k) ? r.at(k) : json(nullptr), csv));
    lines.push_back(std::move(line));
  }
  if (csv) {
    for (const auto& line : lines) os << csv_line(line) << '\n';
    return;
  }
  std::vector<std::size_t> w(keys.size());
  for (const auto& line : lines)
    for (std::size_t i = 0; i < line.size(); ++i) w[i] = std::max(w[i], line[i].size());
  for (const auto& line : lines) {
    for (std::size_t i = 0; i < line.size(); ++i)
      os << (i ? "  " : "") << line[i] << std::string(w[i] - line[i].size(), ' ');
    os << '\n';
  }
}

bool same_file(const std::string& a, const std::string& b) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(a, ec) && fs::exists(b, ec)) return fs::equivalent(a, b, ec);
  std::error_code ea, eb;
  const auto ca = fs::weakly_canonical(a, ea), cb = fs::weakly_canonical(b, eb);
  return !ea && !eb ? ca == cb : a == b;
}

void check_output(const std::string& path, const std::vector<std::string>& inputs,
                  const std::string& flag) {
  if (path.empty()) return;
  for (const auto& in : inputs) {
    if (!in.empty() && same_file(path, in))
      throw invalid_argument(detail::cat(flag, " ", path,
                                         " is one of the inputs; embed-metrics never writes over "
                                         "an input: choose another file name"));
  }
  try {
    (void)io::check_output_target(path);
  } catch (const io_error& e) {
    throw io_error(detail::cat(flag, " ", e.what()));
  }
}

std::string read_text_input(const std::string& path, const std::string& flag) {
  try {
    const io::mapped_file file(path);
    return {reinterpret_cast<const char*>(file.bytes().data), static_cast<std::size_t>(file.bytes().size)};
  } catch (const io_error& e) {
    throw io_error(detail::cat(flag, " ", e.what()));
  }
}

void write_text_output(const std::string& path, const std::string& text, const std::string& flag) {
  try {
    io::write_output_file(path, text);
  } catch (const io_error& e) {
    throw io_error(detail::cat(flag, " ", e.what()));
  }
}

}  // namespace embed_metrics::cli
