#include "io/zip_archive.hpp"

#include <zlib.h>

#include <algorithm>

#include "io/printable.hpp"

namespace embed_metrics::io {
namespace {

constexpr std::uint32_t kEocdSig = 0x06054b50;
constexpr std::uint32_t kZip64LocatorSig = 0x07064b50;
constexpr std::uint32_t kZip64EocdSig = 0x06064b50;
constexpr std::uint32_t kCentralSig = 0x02014b50;
constexpr std::uint32_t kLocalSig = 0x04034b50;
constexpr std::uint64_t kEocdSize = 22;
constexpr std::uint64_t kCentralSize = 46;
constexpr std::uint64_t kLocalSize = 30;
// deflate cannot expand data by more than ~1032:1; a larger claim is corrupt
constexpr std::uint64_t kMaxDeflateRatio = 1100;

template <class... Args>
[[noreturn]] void corrupt(const std::string& file, Args&&... what) {
  fail(file, "corrupt zip (.npz) archive: ", std::forward<Args>(what)...);
}

// corrupt(), naming entry @p e.
template <class... Args>
[[noreturn]] void corrupt_entry(const std::string& file, const zip_entry& e, Args&&... what) {
  corrupt(file, "entry ", quoted(e.name, 60), std::forward<Args>(what)...);
}

void check_crc(const zip_entry& e, const std::uint8_t* p, std::uint64_t n, const std::string& file) {
  uLong crc = ::crc32(0L, Z_NULL, 0);
  for (std::uint64_t done = 0; done < n;) {
    const auto chunk = static_cast<uInt>(std::min<std::uint64_t>(n - done, 1u << 30));
    crc = ::crc32(crc, p + done, chunk);
    done += chunk;
  }
  if (static_cast<std::uint32_t>(crc) != e.crc32)
    corrupt_entry(file, e, " fails its CRC-32 check (the data is damaged)");
}

// The compressed bytes of @p e (after its local header), bounds-checked.
byte_span zip_entry_data(byte_span bytes, const zip_entry& e, const std::string& file) {
  if (e.flags & 0x1) corrupt_entry(file, e, " is encrypted");
  const byte_span h = bytes.sub(e.local_offset, kLocalSize, file, "a zip local header");
  if (read_u32(h.data) != kLocalSig) corrupt_entry(file, e, " has a bad local header signature");
  const std::uint64_t name_len = read_u16(h.data + 26);
  const std::uint64_t extra_len = read_u16(h.data + 28);
  return bytes.sub(e.local_offset + kLocalSize + name_len + extra_len, e.compressed_size, file,
                   "a zip entry's data");
}

}  // namespace

std::vector<zip_entry> read_zip_directory(byte_span bytes, const std::string& file) {
  if (bytes.size == 0) fail(file, "is empty (0 bytes); expected a .npz (zip) archive");
  if (bytes.size < kEocdSize) corrupt(file, "too short to hold an end-of-directory record");
  // the record is the last 22 bytes plus a comment of at most 65535 bytes
  std::uint64_t eocd = bytes.size;
  const std::uint64_t lowest = bytes.size > kEocdSize + 65535 ? bytes.size - kEocdSize - 65535 : 0;
  for (std::uint64_t p = bytes.size - kEocdSize + 1; p-- > lowest;) {
    if (read_u32(bytes.data + p) == kEocdSig &&
        p + kEocdSize + read_u16(bytes.data + p + 20) == bytes.size) {
      eocd = p;
      break;
    }
  }
  if (eocd == bytes.size) corrupt(file, "no end-of-central-directory record (not a zip, or truncated)");
  const std::uint8_t* r = bytes.data + eocd;
  if (read_u16(r + 4) != 0 || read_u16(r + 6) != 0)
    corrupt(file, "multi-disk archives are not supported");
  std::uint64_t count = read_u16(r + 10);
  std::uint64_t dir_size = read_u32(r + 12);
  std::uint64_t dir_offset = read_u32(r + 16);
  if (count == 0xffff || dir_size == 0xffffffffu || dir_offset == 0xffffffffu) {
    if (eocd < 20) corrupt(file, "zip64 locator missing");
    const byte_span loc = bytes.sub(eocd - 20, 20, file, "the zip64 locator");
    if (read_u32(loc.data) != kZip64LocatorSig) corrupt(file, "zip64 locator missing");
    const std::uint64_t z64 = read_u64(loc.data + 8);
    const byte_span rec = bytes.sub(z64, 56, file, "the zip64 end-of-directory record");
    if (read_u32(rec.data) != kZip64EocdSig) corrupt(file, "bad zip64 end-of-directory record");
    count = read_u64(rec.data + 32);
    dir_size = read_u64(rec.data + 40);
    dir_offset = read_u64(rec.data + 48);
  }
  const byte_span dir = bytes.sub(dir_offset, dir_size, file, "the zip central directory");
  if (count > dir_size / kCentralSize)
    corrupt(file, count, " entries cannot fit in a ", dir_size, "-byte directory");
  std::vector<zip_entry> entries;
  entries.reserve(count);
  std::uint64_t p = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    const byte_span h = dir.sub(p, kCentralSize, file, "a zip directory entry");
    if (read_u32(h.data) != kCentralSig)
      corrupt(file, "directory entry ", i, " has a bad signature");
    zip_entry e;
    e.flags = read_u16(h.data + 8);
    e.method = read_u16(h.data + 10);
    e.crc32 = read_u32(h.data + 16);
    e.compressed_size = read_u32(h.data + 20);
    e.size = read_u32(h.data + 24);
    const std::uint64_t name_len = read_u16(h.data + 28);
    const std::uint64_t extra_len = read_u16(h.data + 30);
    const std::uint64_t comment_len = read_u16(h.data + 32);
    e.local_offset = read_u32(h.data + 42);
    const byte_span name = dir.sub(p + kCentralSize, name_len, file, "a zip entry name");
    e.name.assign(reinterpret_cast<const char*>(name.data), name.size);
    const byte_span extra = dir.sub(p + kCentralSize + name_len, extra_len, file, "a zip extra field");
    // zip64 extended information: 64-bit values for the fields set to 0xffffffff
    for (std::uint64_t q = 0; q + 4 <= extra.size;) {
      const std::uint16_t id = read_u16(extra.data + q);
      const std::uint64_t len = read_u16(extra.data + q + 2);
      const byte_span field = extra.sub(q + 4, len, file, "a zip extra field");
      std::uint64_t f = 0;  // the 64-bit values follow in this order
      for (std::uint64_t* v : {&e.size, &e.compressed_size, &e.local_offset}) {
        if (id != 0x0001 || *v != 0xffffffffu) continue;
        if (f + 8 > field.size) corrupt(file, "short zip64 extra field");
        *v = read_u64(field.data + f);
        f += 8;
      }
      q += 4 + len;
    }
    entries.push_back(std::move(e));
    p += kCentralSize + name_len + extra_len + comment_len;
  }
  return entries;
}

byte_span zip_stored(byte_span bytes, const zip_entry& e, const std::string& file) {
  const byte_span raw = zip_entry_data(bytes, e, file);
  if (e.method != 0) corrupt_entry(file, e, " is compressed");
  if (e.size != e.compressed_size)
    corrupt(file, "stored entry ", quoted(e.name, 60), " has sizes ", e.compressed_size, " and ",
            e.size);
  check_crc(e, raw.data, raw.size, file);
  return raw;
}

std::vector<std::uint8_t> zip_extract(byte_span bytes, const zip_entry& e, const std::string& file) {
  if (e.method == 0) {
    const byte_span raw = zip_stored(bytes, e, file);
    return {raw.data, raw.data + raw.size};
  }
  if (e.method != 8)
    fail(file, "zip entry ", quoted(e.name, 60), " uses compression method ", e.method,
         "; only stored and deflated entries are read");
  const byte_span raw = zip_entry_data(bytes, e, file);
  std::uint64_t limit = 0;
  if (!mul_size(raw.size + 1, kMaxDeflateRatio, &limit) || e.size > limit)
    corrupt_entry(file, e, " claims ", e.size, " bytes from ", raw.size, " compressed ones");
  std::vector<std::uint8_t> out(e.size);
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) throw io_error(detail::cat(file, ": zlib init failed"));
  std::uint64_t in_done = 0, out_done = 0;
  int rc = Z_OK;
  while (rc == Z_OK) {
    const auto in_chunk = static_cast<uInt>(std::min<std::uint64_t>(raw.size - in_done, 1u << 30));
    const auto out_chunk = static_cast<uInt>(std::min<std::uint64_t>(e.size - out_done, 1u << 30));
    z.next_in = const_cast<Bytef*>(raw.data + in_done);
    z.avail_in = in_chunk;
    z.next_out = out.data() + out_done;
    z.avail_out = out_chunk;
    rc = inflate(&z, Z_NO_FLUSH);
    in_done += in_chunk - z.avail_in;
    out_done += out_chunk - z.avail_out;
    if (rc == Z_OK && in_chunk == z.avail_in && out_chunk == z.avail_out) rc = Z_BUF_ERROR;
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END)
    corrupt_entry(file, e, " does not inflate (",
                  rc == Z_DATA_ERROR ? "bad deflate data" : "truncated or wrong size", ")");
  if (out_done != e.size)
    corrupt_entry(file, e, " inflates to ", out_done, " bytes, the directory says ", e.size);
  check_crc(e, out.data(), out.size(), file);
  return out;
}

}  // namespace embed_metrics::io
