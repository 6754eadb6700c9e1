// load_embeddings, load_labels and inspect_file: open the file, find the
// array, and convert it to float32 rows / int64 labels in one pass over the
// mapped bytes, checking NaN/Inf row by row while the block is in cache.

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "embed_metrics/io.hpp"
#include "io/array_source.hpp"
#include "io/npy_header.hpp"
#include "io/text_table.hpp"

namespace embed_metrics {
namespace {

using io::array_data;
using io::file_format;

// Index of the first NaN/Inf among n floats, or n.
std::uint64_t first_nonfinite(const float* p, std::uint64_t n) noexcept {
  constexpr std::uint64_t kChunk = 256;
  for (std::uint64_t i = 0; i < n; i += kChunk) {
    const std::uint64_t m = std::min(kChunk, n - i);
    std::uint32_t bad = 0;
    for (std::uint64_t k = 0; k < m; ++k) {
      std::uint32_t bits;
      std::memcpy(&bits, p + i + k, 4);
      bad |= static_cast<std::uint32_t>((bits & 0x7f800000u) == 0x7f800000u);
    }
    if (bad) {
      for (std::uint64_t k = 0; k < m; ++k)
        if (!std::isfinite(p[i + k])) return i + k;
    }
  }
  return n;
}

// Keeps the finite rows of the n x d @p values, moved down over the others
// in order, and returns their count. A row holding NaN/Inf is reported (the
// first one) or, with @p drop, dropped: then out.kept_rows lists the file
// row of each kept row and out.dropped_rows counts the others.
std::int64_t keep_finite_rows(float* values, std::int64_t n, std::int64_t d,
                              const std::string& file, bool drop, loaded_embeddings& out) {
  const auto ud = static_cast<std::uint64_t>(d);
  const std::uint64_t size = ud * static_cast<std::uint64_t>(n);
  if (first_nonfinite(values, size) == size) return n;
  std::int64_t kept = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    const float* row = values + static_cast<std::uint64_t>(i) * ud;
    const std::uint64_t j = first_nonfinite(row, ud);
    if (j < ud) {
      if (!drop)
        throw invalid_argument(detail::cat(
            file, ": row ", i, " (counting from 0) holds ", row[j], " at column ", j,
            "; NaN/Inf values are not accepted: drop such rows with drop_nonfinite "
            "(--drop-nonfinite) or fix the file"));
      ++out.dropped_rows;
      continue;
    }
    float* dst = values + static_cast<std::uint64_t>(kept) * ud;
    if (dst != row) std::memmove(dst, row, ud * sizeof(float));
    out.kept_rows.push_back(i);
    ++kept;
  }
  return kept;
}

// n x d view of an array read as embeddings.
void embedding_shape(const array_data& a, std::int64_t* n, std::int64_t* d) {
  if (a.shape.empty()) io::fail(a.file, "holds a scalar (shape ()), not a matrix of embeddings");
  *n = a.shape[0];
  std::uint64_t rest = 1;
  for (std::size_t i = 1; i < a.shape.size(); ++i) {
    if (!io::mul_size(rest, static_cast<std::uint64_t>(a.shape[i]), &rest))
      io::fail(a.file, "shape ", io::shape_string(a.shape), " is too large");
  }
  *d = static_cast<std::int64_t>(rest);
  if (a.shape.size() > 2 && a.fortran_order)
    io::fail(a.file, "holds a Fortran-order array of shape ", io::shape_string(a.shape),
             "; only 1-D and 2-D Fortran-order arrays are read (save it in C order)");
}

// Convert the n x d array into row-major float32 in one pass: blocks of rows
// are converted in parallel and checked for NaN/Inf while in cache. Only when
// a non-finite value is found does a second, in-place pass report the first
// offending row or drop such rows.
// From this size on, a float32 file is used in place rather than copied.
constexpr std::uint64_t kAdoptBytes = std::uint64_t{32} << 20;

loaded_embeddings convert_embeddings(const array_data& a, bool drop) {
  std::int64_t n = 0, d = 0;
  embedding_shape(a, &n, &d);
  loaded_embeddings out;
  out.format = io::format_name(a.format);
  out.source_dtype = a.type.name();
  // Large little-endian float32 C-order arrays need no conversion: the matrix
  // adopts the file's private copy-on-write mapping, after one parallel scan
  // for NaN/Inf (a file holding any goes the converting way below, which
  // reports or drops those rows).
  if (a.map && !a.owned && a.type.kind == io::dtype_kind::floating && a.type.size == 4 &&
      !a.type.big_endian && !a.fortran_order && a.data.size >= kAdoptBytes &&
      reinterpret_cast<std::uintptr_t>(a.data.data) % alignof(float) == 0 && a.map->make_writable()) {
    auto* p = reinterpret_cast<float*>(
        a.map->writable(static_cast<std::uint64_t>(a.data.data - a.map->bytes().data)));
    constexpr std::uint64_t kChunk = std::uint64_t{1} << 16;
    const auto chunks = static_cast<std::int64_t>((a.count + kChunk - 1) / kChunk);
    bool finite = true;
#pragma omp parallel for schedule(static) reduction(&& : finite)
    for (std::int64_t c = 0; c < chunks; ++c) {
      const std::uint64_t b = static_cast<std::uint64_t>(c) * kChunk;
      const std::uint64_t m = std::min(kChunk, a.count - b);
      finite = finite && first_nonfinite(p + b, m) == m;
    }
    if (finite) {
      out.matrix = host_matrix::adopt(p, n, d, std::const_pointer_cast<io::mapped_file>(a.map));
      return out;
    }
  }
  // Not zero-filled first: every element is written by the conversion below.
  host_matrix matrix = host_matrix::uninitialized(n, d);
  float* const values = matrix.data();
  const bool may_be_nonfinite = !a.type.is_integer();
  const auto isz = static_cast<std::uint64_t>(a.type.size);
  const auto ud = static_cast<std::uint64_t>(d);
  const auto un = static_cast<std::uint64_t>(n);
  if (a.map) a.map->will_read(static_cast<std::uint64_t>(a.data.data - a.map->bytes().data), a.data.size);
  // blocks of about 256 KiB of output, so each block is checked while in cache
  const std::int64_t block = std::max<std::int64_t>(1, (256 << 10) / std::max<std::int64_t>(1, d * 4));
  const std::int64_t blocks = d > 0 ? (n + block - 1) / block : 0;
  const int threads = a.count >= (std::uint64_t{1} << 20) ? omp_get_max_threads() : 1;
  std::vector<float> columns(a.fortran_order ? static_cast<std::size_t>(block) * static_cast<std::size_t>(threads) : 0);
  bool finite = true;
#pragma omp parallel for schedule(static) num_threads(threads) reduction(&& : finite)
  for (std::int64_t blk = 0; blk < blocks; ++blk) {
    const std::int64_t r0 = blk * block;
    const std::int64_t b = std::min(block, n - r0);
    float* dst = values + static_cast<std::uint64_t>(r0) * ud;
    if (!a.fortran_order) {
      io::convert_to_float(a.data.data + static_cast<std::uint64_t>(r0) * ud * isz, a.type,
                           static_cast<std::uint64_t>(b) * ud, dst);
    } else {
      float* column = columns.data() + static_cast<std::size_t>(omp_get_thread_num()) * static_cast<std::size_t>(block);
      for (std::uint64_t j = 0; j < ud; ++j) {
        io::convert_to_float(a.data.data + (j * un + static_cast<std::uint64_t>(r0)) * isz, a.type,
                             static_cast<std::uint64_t>(b), column);
        for (std::int64_t i = 0; i < b; ++i) dst[static_cast<std::uint64_t>(i) * ud + j] = column[i];
      }
    }
    const std::uint64_t m = static_cast<std::uint64_t>(b) * ud;
    if (may_be_nonfinite && first_nonfinite(dst, m) < m) finite = false;
  }
  if (!finite) matrix.keep_first_rows(keep_finite_rows(values, n, d, a.file, drop, out));
  out.matrix = std::move(matrix);
  return out;
}

io::text_table parse_table(const io::mapped_file& f, file_format fmt) {
  const char delim = fmt == file_format::csv ? ',' : fmt == file_format::tsv ? '\t' : '\0';
  return io::parse_text_table(f.bytes(), f.path(), delim);
}

loaded_embeddings text_embeddings(const io::mapped_file& f, file_format fmt, bool drop) {
  io::text_table t = parse_table(f, fmt);
  loaded_embeddings out;
  out.format = io::format_name(fmt);
  out.source_dtype = "text";
  const std::int64_t kept = keep_finite_rows(t.values.data(), t.rows, t.cols, f.path(), drop, out);
  t.values.resize(static_cast<std::uint64_t>(kept * t.cols));
  out.matrix = host_matrix(std::move(t.values), kept, t.cols);
  return out;
}

std::vector<std::int64_t> convert_labels(const array_data& a) {
  if (std::count_if(a.shape.begin(), a.shape.end(), [](std::int64_t s) { return s != 1; }) > 1)
    io::fail(a.file, "labels must be a 1-D array; it holds shape ", io::shape_string(a.shape));
  std::vector<std::int64_t> out(a.count);
  const std::int64_t bad = io::convert_to_int64(a.data.data, a.type, a.count, out.data());
  if (bad >= 0) {
    const auto at = static_cast<std::uint64_t>(bad);
    float v = 0;
    io::convert_to_float(a.data.data + at * static_cast<std::uint64_t>(a.type.size), a.type, 1, &v);
    io::fail(a.file, "label ", bad, " (counting from 0) is ", v,
             a.type.is_integer() ? ", which does not fit in int64"
                                 : ", not an integer; labels must be integers",
             " (dtype ", a.type.name(), ")");
  }
  return out;
}

std::int64_t count_distinct(std::vector<std::int64_t> v) {
  std::sort(v.begin(), v.end());
  return static_cast<std::int64_t>(std::unique(v.begin(), v.end()) - v.begin());
}

}  // namespace

loaded_embeddings load_embeddings(const std::string& path, const load_options& options) {
  auto file = std::make_shared<const io::mapped_file>(path);
  const file_format fmt = io::detect_format(*file, options);
  if (io::is_text(fmt)) return text_embeddings(*file, fmt, options.drop_nonfinite);
  const array_data a = io::open_array(std::move(file), fmt, options);
  return convert_embeddings(a, options.drop_nonfinite);
}

std::vector<std::int64_t> load_labels(const std::string& path, const load_options& options) {
  auto file = std::make_shared<const io::mapped_file>(path);
  const file_format fmt = io::detect_format(*file, options);
  if (io::is_text(fmt)) return io::parse_text_labels(file->bytes(), file->path());
  return convert_labels(io::open_array(std::move(file), fmt, options));
}

file_info inspect_file(const std::string& path, const load_options& options) {
  auto file = std::make_shared<const io::mapped_file>(path);
  const file_format fmt = io::detect_format(*file, options);
  file_info info;
  info.format = io::format_name(fmt);
  if (io::is_text(fmt)) {
    const io::text_table t = parse_table(*file, fmt);
    info.bytes = static_cast<std::int64_t>(file->size());
    info.shape = {t.rows, t.cols};
    info.dtype = t.all_integer ? "int64" : "float32";
    if (t.all_integer) {
      if (t.cols == 1) {
        info.shape = {t.rows};
        info.distinct_values = count_distinct(io::parse_text_labels(file->bytes(), path));
      } else {
        info.distinct_values =
            count_distinct(std::vector<std::int64_t>(t.values.begin(), t.values.end()));
      }
    }
    return info;
  }
  if (options.array.empty() && (fmt == file_format::npz || fmt == file_format::safetensors)) {
    info.arrays = io::array_names(*file, fmt);
    if (info.arrays.size() != 1) {  // nothing selected: the archive as a whole
      info.bytes = static_cast<std::int64_t>(file->size());
      return info;
    }
  }
  const array_data a = io::open_array(std::move(file), fmt, options);
  info.dtype = a.type.name();
  info.shape = a.shape;
  info.bytes = static_cast<std::int64_t>(a.data.size);
  info.arrays = a.names;
  if (a.type.is_integer()) {
    std::vector<std::int64_t> v(a.count);
    if (io::convert_to_int64(a.data.data, a.type, a.count, v.data()) < 0)
      info.distinct_values = count_distinct(std::move(v));
  }
  return info;
}

}  // namespace embed_metrics
