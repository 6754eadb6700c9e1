// save_npy: version 1.0 .npy files, written through io::output_file (a
// temporary file in the same folder, renamed into place), so a failure never
// leaves a partial file and nothing but a regular file is ever replaced.

#include "embed_metrics/io.hpp"
#include "io/npy_header.hpp"
#include "io/output_file.hpp"

namespace embed_metrics {
namespace {

template <class T>
void save_vector(const std::string& path, const std::vector<T>& values, const char* descr) {
  io::output_file w(path);
  const std::string header =
      io::make_npy_header(descr, {static_cast<std::int64_t>(values.size())});
  w.write(header.data(), header.size());
  w.write(values.data(), values.size() * sizeof(T));
  w.commit();
}

}  // namespace

void save_npy(const std::string& path, matrix_view m) {
  EM_EXPECTS(m.space == memory_space::host, "save_npy(", path,
             "): the matrix is in device memory; copy it to the host first");
  EM_EXPECTS(m.rows >= 0 && m.cols >= 0 && (m.empty() || m.data != nullptr), "save_npy(", path,
             "): invalid matrix ", m.rows, "x", m.cols);
  io::output_file w(path);
  const std::string header = io::make_npy_header("<f4", {m.rows, m.cols});
  w.write(header.data(), header.size());
  if (m.ld() == m.cols) {
    w.write(m.data, static_cast<std::size_t>(m.rows * m.cols) * sizeof(float));
  } else {
    for (std::int64_t i = 0; i < m.rows; ++i)
      w.write(m.row(i), static_cast<std::size_t>(m.cols) * sizeof(float));
  }
  w.commit();
}

void save_npy(const std::string& path, const std::vector<std::int64_t>& values) {
  save_vector(path, values, "<i8");
}

void save_npy(const std::string& path, const std::vector<double>& values) {
  save_vector(path, values, "<f8");
}

}  // namespace embed_metrics
