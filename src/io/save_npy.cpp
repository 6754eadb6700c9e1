// save_npy: version 1.0 .npy files, written to a temporary file in the same
// folder and renamed into place, so a failure never leaves a partial file.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "embed_metrics/io.hpp"
#include "io/npy_header.hpp"

namespace embed_metrics {
namespace {

class atomic_writer {
 public:
  explicit atomic_writer(const std::string& path) : path_(path), tmp_(path + ".tmp.XXXXXX") {
    fd_ = ::mkstemp(tmp_.data());
    if (fd_ < 0)
      throw io_error(detail::cat(path_, ": cannot create a file next to it (", std::strerror(errno), ")"));
  }
  ~atomic_writer() {
    if (fd_ >= 0) ::close(fd_);
    if (!done_) ::unlink(tmp_.c_str());
  }
  atomic_writer(const atomic_writer&) = delete;
  atomic_writer& operator=(const atomic_writer&) = delete;

  void write(const void* data, std::size_t n) {
    const auto* p = static_cast<const char*>(data);
    while (n > 0) {
      const ssize_t w = ::write(fd_, p, std::min<std::size_t>(n, std::size_t{1} << 30));
      if (w < 0) {
        if (errno == EINTR) continue;
        throw io_error(detail::cat(path_, ": write failed (", std::strerror(errno), ")"));
      }
      p += w;
      n -= static_cast<std::size_t>(w);
    }
  }
  void commit() {
    ::fchmod(fd_, 0644);
    const int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) throw io_error(detail::cat(path_, ": write failed (", std::strerror(errno), ")"));
    if (std::rename(tmp_.c_str(), path_.c_str()) != 0)
      throw io_error(detail::cat(path_, ": cannot rename the finished file into place (",
                                 std::strerror(errno), ")"));
    done_ = true;
  }

 private:
  std::string path_;
  std::string tmp_;
  int fd_ = -1;
  bool done_ = false;
};

template <class T>
void save_vector(const std::string& path, const std::vector<T>& values, const char* descr) {
  atomic_writer w(path);
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
  atomic_writer w(path);
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
