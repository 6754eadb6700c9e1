#include "dist/ring.hpp"

#include <cstring>

namespace embed_metrics::detail {
namespace {

// One message: rows, tags, state, in one buffer of bytes.
std::vector<std::uint8_t> pack(const ring_block& b) {
  const std::size_t fx = b.x.size() * sizeof(float);
  const std::size_t ft = b.tag.size() * sizeof(std::int64_t);
  const std::size_t fs = b.state.size() * sizeof(std::int64_t);
  std::vector<std::uint8_t> out(fx + ft + fs);
  if (fx) std::memcpy(out.data(), b.x.data(), fx);
  if (ft) std::memcpy(out.data() + fx, b.tag.data(), ft);
  if (fs) std::memcpy(out.data() + fx + ft, b.state.data(), fs);
  return out;
}

void unpack(const std::vector<std::uint8_t>& in, ring_block& b, std::int64_t d, std::int64_t width) {
  const auto rows = static_cast<std::size_t>(b.rows);
  b.x.resize(rows * static_cast<std::size_t>(d));
  b.tag.resize(rows);
  b.state.resize(rows * static_cast<std::size_t>(width));
  const std::size_t fx = b.x.size() * sizeof(float);
  const std::size_t ft = b.tag.size() * sizeof(std::int64_t);
  if (fx) std::memcpy(b.x.data(), in.data(), fx);
  if (ft) std::memcpy(b.tag.data(), in.data() + fx, ft);
  if (!b.state.empty()) std::memcpy(b.state.data(), in.data() + fx + ft, b.state.size() * sizeof(std::int64_t));
}

std::size_t bytes_of(std::int64_t rows, std::int64_t d, std::int64_t width) {
  return static_cast<std::size_t>(rows) * (static_cast<std::size_t>(d) * sizeof(float) +
                                           sizeof(std::int64_t) * static_cast<std::size_t>(1 + width));
}

}  // namespace

ring_block block_of_rows(matrix_view x, std::int64_t first, std::int64_t width) {
  ring_block b;
  b.first = first;
  b.rows = x.rows;
  b.x.resize(static_cast<std::size_t>(x.rows * x.cols));
  for (std::int64_t i = 0; i < x.rows; ++i)
    std::memcpy(b.x.data() + i * x.cols, x.row(i), sizeof(float) * static_cast<std::size_t>(x.cols));
  b.tag.assign(static_cast<std::size_t>(x.rows), 0);
  b.state.assign(static_cast<std::size_t>(x.rows * width), 0);
  return b;
}

void run_ring(communicator& comm, ring_block& own, std::int64_t d, std::int64_t width,
              const std::vector<std::int64_t>& counts, const std::vector<std::int64_t>& offsets,
              const std::function<void(ring_block&)>& fresh,
              const std::function<void(ring_block&)>& self,
              const std::function<void(ring_block&, ring_block&)>& pair,
              const std::function<void(std::int64_t*, const std::int64_t*)>& merge) {
  const int p = comm.size();
  const int r = comm.rank();
  self(own);
  if (p == 1) return;
  const int steps = p / 2;
  const int next = (r + 1) % p;
  const int prev = (r + p - 1) % p;
  ring_block visitor = own;  // step 0: the own block, with a fresh state, goes out first
  fresh(visitor);
  for (int s = 1; s <= steps; ++s) {
    const int home = (r - s + p) % p;  // whose block arrives now
    const std::vector<std::uint8_t> out = pack(visitor);
    std::vector<std::uint8_t> in(bytes_of(counts[static_cast<std::size_t>(home)], d, width));
    comm.send_recv(out.data(), out.size(), next, in.data(), in.size(), prev);
    visitor.first = offsets[static_cast<std::size_t>(home)];
    visitor.rows = counts[static_cast<std::size_t>(home)];
    unpack(in, visitor, d, width);
    const bool twice = (p % 2 == 0) && s == steps;  // ranks r and r + P/2 meet from both sides
    if (!twice || r < p / 2) pair(own, visitor);
  }
  // The visitor's state goes home: to rank r - steps; ours comes from r + steps.
  const int to = (r - steps + p) % p;
  const int from = (r + steps) % p;
  std::vector<std::int64_t> back(own.state.size());
  comm.send_recv(visitor.state.data(), visitor.state.size() * sizeof(std::int64_t), to, back.data(),
                 back.size() * sizeof(std::int64_t), from);
  for (std::int64_t i = 0; i < own.rows; ++i)
    merge(own.state.data() + i * width, back.data() + i * width);
}

}  // namespace embed_metrics::detail
