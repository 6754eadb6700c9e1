#include "io/array_source.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>

#include "io/npy_header.hpp"
#include "io/printable.hpp"
#include "io/safetensors_header.hpp"
#include "io/zip_archive.hpp"

namespace embed_metrics::io {
namespace {

std::string extension(const std::string& path) {
  const auto dot = path.find_last_of("./");  // a '/' after the last '.': no extension
  if (dot == std::string::npos || path[dot] == '/') return "";
  std::string e = path.substr(dot + 1);
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
  return e;
}

bool looks_like_text(byte_span b) {
  const std::uint64_t n = std::min<std::uint64_t>(b.size, 4096);
  return std::none_of(b.data, b.data + n, [](std::uint8_t c) {
    return c == 0 || (c < 32 && c != '\n' && c != '\r' && c != '\t');
  });
}

// An npz entry's array name: its file name without ".npy".
std::string without_npy(std::string n) {
  if (n.size() > 4 && n.compare(n.size() - 4, 4, ".npy") == 0) n.resize(n.size() - 4);
  return n;
}

void read_npy(array_data& a, byte_span bytes, const std::string& file) {
  const npy_header h = parse_npy(bytes, file);
  a.type = h.type;
  a.shape = h.shape;
  a.fortran_order = h.fortran_order;
  a.count = h.count;
  a.data = bytes.sub(h.data_offset, h.data_bytes, file, "the array data");
}

void read_raw(array_data& a, byte_span bytes, const load_options& o) {
  if (o.raw_rows < 0 || o.raw_cols < 0)
    throw invalid_argument(detail::cat(a.file, ": a raw binary file needs both a shape and a dtype "
                                       "(--shape ROWSxCOLS --dtype f4)"));
  a.type = parse_dtype_option(o.raw_dtype, a.file);
  std::uint64_t data_bytes = 0;
  if (!mul_size(static_cast<std::uint64_t>(o.raw_rows), static_cast<std::uint64_t>(o.raw_cols),
                &a.count) ||
      !mul_size(a.count, static_cast<std::uint64_t>(a.type.size), &data_bytes))
    throw invalid_argument(detail::cat(a.file, ": shape ", o.raw_rows, "x", o.raw_cols, " of ",
                                       a.type.name(), " overflows 64 bits"));
  if (bytes.size != data_bytes)
    fail(a.file, "holds ", bytes.size, " bytes but shape ", o.raw_rows, "x", o.raw_cols, " of ",
         a.type.name(), " needs ", data_bytes,
         bytes.size > data_bytes ? "" : "; the file is truncated or the shape is wrong");
  a.shape = {o.raw_rows, o.raw_cols};
  a.data = bytes;
}

// The array names of an archive, as np.load and safetensors show them.
std::vector<std::string> names_of(const std::vector<zip_entry>& entries) {
  std::vector<std::string> names;
  for (const auto& e : entries) names.push_back(without_npy(e.name));
  return names;
}

std::vector<std::string> names_of(const safetensors_header& h) {
  std::vector<std::string> names;
  for (const auto& t : h.tensors) names.push_back(t.name);
  return names;
}

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (std::size_t i = 0; i < names.size() && i < 20; ++i) s += (i ? ", " : "") + printable(names[i], 60);
  if (names.size() > 20) s += detail::cat(", ... (", names.size(), " in all)");
  return s;
}

// Index of the array named @p want among @p names ("" = the only one).
std::size_t select(const std::vector<std::string>& names, const std::string& want,
                   const std::string& file, const char* what) {
  if (names.empty()) fail(file, "holds no ", what, "s");
  if (want.empty()) {
    if (names.size() == 1) return 0;
    throw invalid_argument(detail::cat(file, ": holds ", names.size(), " ", what, "s (",
                                       joined(names), "); choose one with --array NAME"));
  }
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == want) return i;
  throw invalid_argument(detail::cat(file, ": has no ", what, " ", quoted(want, 60), "; it holds ",
                                     joined(names)));
}

void read_npz(array_data& a, byte_span bytes, const load_options& o) {
  const std::vector<zip_entry> entries = read_zip_directory(bytes, a.file);
  a.names = names_of(entries);
  const zip_entry& e = entries[select(a.names, without_npy(o.array), a.file, "array")];
  byte_span content;
  if (e.method == 0) {
    content = zip_stored(bytes, e, a.file);
  } else {
    auto owned = std::make_shared<std::vector<std::uint8_t>>(zip_extract(bytes, e, a.file));
    content = {owned->data(), owned->size()};
    a.owned = std::move(owned);
  }
  read_npy(a, content, a.file + " [" + printable(e.name, 60) + "]");
}

void read_safetensors(array_data& a, byte_span bytes, const load_options& o) {
  const safetensors_header h = parse_safetensors(bytes, a.file);
  a.names = names_of(h);
  const tensor_entry& t = h.tensors[select(a.names, o.array, a.file, "tensor")];
  if (!t.type)
    fail(a.file, "tensor ", quoted(t.name, 60), " has unsupported dtype ", printable(t.dtype_name, 20),
         "; embeddings and labels must be F16, BF16, F32, F64 or integer");
  a.type = *t.type;
  a.shape = t.shape;
  a.count = t.count;
  a.data = bytes.sub(h.data_start + t.begin, t.end - t.begin, a.file, "the tensor data");
}

}  // namespace

const char* format_name(file_format f) noexcept {
  // in the order of file_format
  constexpr const char* kNames[] = {"npy", "npz", "safetensors", "csv", "tsv", "text", "raw"};
  const auto i = static_cast<std::size_t>(f);
  return i < std::size(kNames) ? kNames[i] : "?";
}

file_format detect_format(const mapped_file& file, const load_options& options) {
  if (options.raw_rows >= 0 || options.raw_cols >= 0) return file_format::raw;
  const byte_span b = file.bytes();
  const std::string ext = extension(file.path());
  if (b.size == 0) fail(file.path(), "is empty (0 bytes)");
  if (is_npy(b)) return file_format::npy;
  if (b.size >= 4 && b.data[0] == 'P' && b.data[1] == 'K' &&
      ((b.data[2] == 3 && b.data[3] == 4) || (b.data[2] == 5 && b.data[3] == 6)))
    return file_format::npz;
  if (ext == "npy") return file_format::npy;  // the parser reports the wrong magic
  if (ext == "npz") return file_format::npz;
  if (ext == "safetensors" || ext == "st") return file_format::safetensors;
  if (b.size >= 9 && b.data[8] == '{' && read_u64(b.data) <= b.size - 8)
    return file_format::safetensors;
  if (ext == "csv") return file_format::csv;
  if (ext == "tsv" || ext == "tab") return file_format::tsv;
  if (looks_like_text(b)) return file_format::text;
  fail(file.path(), "unknown format (not .npy, .npz, .safetensors or text); for raw binary "
                    "give its shape and dtype (--shape ROWSxCOLS --dtype f4)");
}

std::vector<std::string> array_names(const mapped_file& file, file_format format) {
  if (format == file_format::npz) return names_of(read_zip_directory(file.bytes(), file.path()));
  if (format == file_format::safetensors)
    return names_of(parse_safetensors(file.bytes(), file.path()));
  return {};
}

array_data open_array(std::shared_ptr<const mapped_file> file, file_format format,
                      const load_options& options) {
  array_data a;
  a.file = file->path();
  a.format = format;
  const byte_span bytes = file->bytes();
  a.map = std::move(file);
  switch (format) {
    case file_format::npy: read_npy(a, bytes, a.file); break;
    case file_format::raw: read_raw(a, bytes, options); break;
    case file_format::npz: read_npz(a, bytes, options); break;
    case file_format::safetensors: read_safetensors(a, bytes, options); break;
    default: fail(a.file, "is a ", format_name(format), " file, which holds no binary array");
  }
  return a;
}

}  // namespace embed_metrics::io
