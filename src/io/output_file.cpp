#include "io/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>

#include "core/check.hpp"
#include "embed_metrics/error.hpp"
#include "io/file_kind.hpp"

namespace embed_metrics::io {
namespace {

template <class... Args>
[[noreturn]] void refuse(const std::string& path, Args&&... why) {
  throw io_error(detail::cat(path, ": ", std::forward<Args>(why)...));
}

// refuse(), with the system's reason why the call before failed.
[[noreturn]] void refuse_errno(const std::string& path, const char* what) {
  refuse(path, what, " (", std::strerror(errno), ")");
}

std::string folder_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Resolve a symbolic link to an absolute path (realpath), or "" when it fails.
std::string resolved(const std::string& path) {
  std::unique_ptr<char, decltype(&std::free)> p(::realpath(path.c_str(), nullptr), &std::free);
  return p ? std::string(p.get()) : std::string();
}

void write_all(int fd, const void* data, std::size_t n, const std::string& path) {
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, std::min<std::size_t>(n, std::size_t{1} << 30));
    if (w < 0) {
      if (errno == EINTR) continue;
      refuse_errno(path, "write failed");
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

}  // namespace

output_target check_output_target(const std::string& path) {
  output_target t;
  t.path = path;
  if (path.empty()) refuse("(empty path)", "an output needs a file name");
  if (path.back() == '/') refuse(path, "names a folder; give a file name");
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) refuse_errno(path, "cannot be inspected");
    t.replace = path;  // a new file; a missing folder is reported when it is created
    return t;
  }
  const bool via_link = S_ISLNK(st.st_mode);
  std::string file = path;
  if (via_link) {
    if (::stat(path.c_str(), &st) != 0)
      refuse(path, "is a symbolic link to a missing file (", std::strerror(errno),
             "); remove the link or give another name");
    file = resolved(path);
    if (file.empty()) refuse_errno(path, "cannot resolve the symbolic link");
  }
  if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
    refuse(path, via_link ? "is a symbolic link to " : "is ", file_kind(st.st_mode),
           "; an output is only ever written to a regular file (or a character "
           "device such as /dev/null), never over anything else: choose a file name");
  if (S_ISCHR(st.st_mode)) {
    t.device = true;
    return t;
  }
  if (::access(file.c_str(), W_OK) != 0 && errno == EACCES)
    refuse(path, "is read-only; it is not replaced (make it writable or choose another name)");
  t.replace = file;
  t.mode = static_cast<unsigned>(st.st_mode & 0777);
  return t;
}

output_file::output_file(const std::string& path) : target_(check_output_target(path)) {
  if (target_.device) {
    // O_NONBLOCK only for the open, which must not wait; no O_CREAT or O_TRUNC.
    fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd_ < 0) refuse_errno(path, "cannot open for writing");
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISCHR(st.st_mode)) {
      ::close(std::exchange(fd_, -1));
      refuse(path, "changed while it was being opened; try again");
    }
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
    return;
  }
  // A short name in the same folder: the output's own name may already use
  // all NAME_MAX bytes, so "<name>.tmp" could not be created.
  tmp_ = folder_of(target_.replace) + "/.embed-metrics-XXXXXX";
  fd_ = ::mkostemp(tmp_.data(), O_CLOEXEC);
  if (fd_ < 0) {
    const int e = errno;
    tmp_.clear();
    refuse(path, "cannot create a file in ", folder_of(target_.replace), " (", std::strerror(e),
           ")", e == ENOENT ? "; the folder does not exist" : "");
  }
}

output_file::~output_file() {
  if (fd_ >= 0) ::close(fd_);
  if (!done_ && !tmp_.empty()) ::unlink(tmp_.c_str());
}

void output_file::write(const void* data, std::size_t n) { write_all(fd_, data, n, target_.path); }

void output_file::commit() {
  const std::string& path = target_.path;
  if (!target_.device) {
    ::fchmod(fd_, target_.mode);
    if (::fsync(fd_) != 0 && errno != EINVAL) refuse_errno(path, "cannot flush to disk");
  }
  if (::close(std::exchange(fd_, -1)) != 0) refuse_errno(path, "write failed");
  if (target_.device) return;  // written in place: nothing to rename
  // Checked again at the last moment: what the name holds may have changed
  // while the output was computed, and rename would replace anything.
  struct stat st {};
  if (::lstat(target_.replace.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    refuse(path, "is now ", file_kind(st.st_mode), "; it is not replaced");
  if (std::rename(tmp_.c_str(), target_.replace.c_str()) != 0)
    refuse_errno(path, "cannot rename the finished file into place");
  done_ = true;
  // The rename itself reaches the disk with the folder.
  const int dir = ::open(folder_of(target_.replace).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

void write_output_file(const std::string& path, std::string_view bytes) {
  output_file f(path);
  f.write(bytes.data(), bytes.size());
  f.commit();
}

}  // namespace embed_metrics::io
