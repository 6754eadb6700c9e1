#pragma once
// A file mapped read-only into memory (mmap). Large embeddings are read
// straight from the page cache and converted in one pass; an empty file maps
// to an empty span. Access goes through byte_span, which checks bounds.

#include <cstdint>
#include <string>

#include "io/bytes.hpp"
#include "core/internal_api.hpp"

namespace embed_metrics::io {

class EMBED_METRICS_INTERNAL_API mapped_file {
 public:
  /// Map @p path; throws io_error naming the file when it cannot be opened.
  explicit mapped_file(std::string path);
  ~mapped_file();
  mapped_file(const mapped_file&) = delete;
  mapped_file& operator=(const mapped_file&) = delete;

  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }
  [[nodiscard]] byte_span bytes() const noexcept { return {data_, size_}; }
  /// Tell the kernel that [offset, offset + length) is about to be read once, in order.
  void will_read(std::uint64_t offset, std::uint64_t length) const noexcept;
  /// Make the whole mapping writable, copy-on-write (the file itself is never
  /// written), and pre-fault it; false when the system refuses.
  [[nodiscard]] bool make_writable() const noexcept;
  /// Writable address of byte @p offset (after make_writable()).
  [[nodiscard]] std::uint8_t* writable(std::uint64_t offset) const noexcept {
    return const_cast<std::uint8_t*>(data_) + offset;
  }

 private:
  std::string path_;
  const std::uint8_t* data_ = nullptr;
  std::uint64_t size_ = 0;
};

}  // namespace embed_metrics::io
