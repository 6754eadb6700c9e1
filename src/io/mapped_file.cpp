#include "io/mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "io/file_kind.hpp"

namespace embed_metrics::io {

mapped_file::mapped_file(std::string path) : path_(std::move(path)) {
  // O_NONBLOCK: opening a FIFO with no writer (or a terminal, /dev/stdin)
  // returns at once instead of waiting, so fstat can refuse it. A regular
  // file ignores the flag. O_NOCTTY: a terminal never becomes ours.
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    const int e = errno;
    struct stat st {};
    if (::stat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode))  // a socket cannot be opened at all
      throw io_error(detail::cat(path_, ": is ", file_kind(st.st_mode), ", not a regular file"));
    throw io_error(detail::cat(path_, ": cannot open (", std::strerror(e), ")",
                               e == ENOENT ? "; check the path" : ""));
  }
  // Closed on every way out (after a message has read errno); the mapping
  // stays valid without the descriptor.
  const struct fd_closer {
    int fd;
    ~fd_closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    throw io_error(detail::cat(path_, ": cannot stat (", std::strerror(errno), ")"));
  if (!S_ISREG(st.st_mode))
    throw io_error(detail::cat(path_, ": is ", file_kind(st.st_mode),
                               ", not a regular file; inputs are read from regular files only "
                               "(save a stream to a file first)"));
  size_ = static_cast<std::uint64_t>(st.st_size);
  if (size_ > 0) {
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED)
      throw io_error(
          detail::cat(path_, ": cannot map ", size_, " bytes (", std::strerror(errno), ")"));
    data_ = static_cast<const std::uint8_t*>(p);
  }
}

mapped_file::~mapped_file() {
  if (data_ != nullptr) ::munmap(const_cast<std::uint8_t*>(data_), size_);
}

void mapped_file::will_read(std::uint64_t offset, std::uint64_t length) const noexcept {
  if (data_ == nullptr || offset >= size_) return;
  const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  const std::uint64_t begin = offset / page * page;
  const std::uint64_t end = std::min(size_, offset + std::min(length, size_ - offset));
  auto* p = const_cast<std::uint8_t*>(data_) + begin;
  ::madvise(p, end - begin, MADV_SEQUENTIAL);
  ::madvise(p, end - begin, MADV_WILLNEED);
}

bool mapped_file::make_writable() const noexcept {
  if (data_ == nullptr) return false;
  auto* p = const_cast<std::uint8_t*>(data_);
  // The mapping is MAP_PRIVATE: writes go to private copies of the pages.
  if (::mprotect(p, size_, PROT_READ | PROT_WRITE) != 0) return false;
#ifdef MADV_POPULATE_READ
  ::madvise(p, size_, MADV_POPULATE_READ);  // map the cached pages in one call; a hint only
#endif
  return true;
}

}  // namespace embed_metrics::io
