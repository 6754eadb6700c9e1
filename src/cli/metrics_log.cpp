#include "cli/metrics_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "cli/output.hpp"
#include "core/check.hpp"
#include "embed_metrics/error.hpp"

namespace embed_metrics::cli {
namespace {

std::vector<std::string> csv_split(const std::string& line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"')
        cells.back() += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        cells.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back();
    } else if (c != '\r') {
      cells.back() += c;
    }
  }
  return cells;
}

std::string header_of(const json& row) { return csv_line(keys_of(row)); }

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

json parse_cell(const std::string& s) {
  if (s.empty()) return nullptr;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() + s.size() && errno == 0) {
    const bool integral = s.find_first_of(".eEnN") == std::string::npos;
    if (integral && std::fabs(v) < 9e15) return static_cast<std::int64_t>(v);
    return v;
  }
  return s;
}

}  // namespace

bool is_jsonl(const std::string& path) {
  return path.size() >= 6 && path.compare(path.size() - 6, 6, ".jsonl") == 0;
}

std::size_t log_row_count(const std::string& path) {
  std::ifstream in(path);
  if (!in) return 0;
  std::size_t lines = 0;
  std::string line;
  while (std::getline(in, line))
    if (line.find_first_not_of(" \t\r") != std::string::npos) ++lines;
  return is_jsonl(path) || lines == 0 ? lines : lines - 1;
}

void append_log_row(const std::string& path, const json& row) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    throw io_error(detail::cat("cannot open --append file ", path, ": ", std::strerror(errno)));
  auto fail = [fd](const auto& e) {  // closes the log first
    ::close(fd);
    throw e;
  };
  struct stat st {};
  const bool fresh = ::fstat(fd, &st) == 0 && st.st_size == 0;
  const bool jsonl = is_jsonl(path);
  const std::string header = header_of(row);
  if (!fresh) {
    // The keys of the log so far: its CSV header, or those of its first JSON object.
    std::string have = first_line(path);
    if (jsonl) {
      json first;
      try {
        first = json::parse(have);
      } catch (const json::exception&) {
        fail(format_error(
            detail::cat("--append file ", path, ": its first line is not a JSON object")));
      }
      have = header_of(first);
    }
    if (have != header)
      fail(invalid_argument(detail::cat("--append file ", path, " has the ",
                                        jsonl ? "keys" : "header", " '", have,
                                        "' but this row has '", header,
                                        "': append to a new file for a different set of columns")));
  }
  std::string text;
  if (jsonl) {
    text = row.dump() + "\n";
  } else {
    std::vector<std::string> cells;
    for (const auto& v : row) cells.push_back(cell(v, true));
    text = (fresh ? header + "\n" : "") + csv_line(cells) + "\n";
  }
  // One write per row: with O_APPEND a row is never interleaved or half-replaced.
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t w = ::write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0)
      fail(io_error(detail::cat("failed appending to ", path, ": ", std::strerror(errno))));
    p += w;
    left -= static_cast<std::size_t>(w);
  }
  if (::close(fd) != 0) throw io_error(detail::cat("failed closing --append file ", path));
}

bool is_metrics_log(const std::string& path) {
  return is_jsonl(path) || first_line(path).find(',') != std::string::npos;
}

std::vector<json> read_log(const std::string& path) {
  std::istringstream in(read_text_input(path, "metrics log"));
  std::vector<json> rows;
  std::string line;
  std::vector<std::string> header;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (is_jsonl(path)) {
      try {
        json j = json::parse(line);
        if (!j.is_object()) throw std::invalid_argument("not an object");
        rows.push_back(std::move(j));
      } catch (const std::exception&) {
        throw format_error(detail::cat(path, ":", line_no, ": expected one JSON object per line"));
      }
      continue;
    }
    auto cells = csv_split(line);
    if (header.empty()) {
      header = std::move(cells);
      continue;
    }
    if (cells.size() != header.size())
      throw format_error(detail::cat(path, ":", line_no, ": ", cells.size(),
                                     " cells but the header has ", header.size(),
                                     " (an interrupted write?)"));
    json row = json::object();
    for (std::size_t i = 0; i < cells.size(); ++i) row[header[i]] = parse_cell(cells[i]);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<double> read_log_column(const std::string& path, const std::vector<std::string>& keys) {
  const auto rows = read_log(path);
  const auto found = std::find_if(keys.begin(), keys.end(), [&](const std::string& k) {
    return !rows.empty() && rows.front().contains(k);
  });
  std::string names;
  for (const auto& k : keys) names += (names.empty() ? "" : " or ") + k;
  EM_EXPECTS(found != keys.end(), "metrics log ", path, " has no column ", names);
  const std::string& key = *found;
  std::vector<double> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& v = rows[i].contains(key) ? rows[i][key] : json(nullptr);
    EM_EXPECTS(v.is_number(), "metrics log ", path, ", row ", i + 1, ": ", key, " is not a number");
    out.push_back(v.get<double>());
  }
  return out;
}

}  // namespace embed_metrics::cli
