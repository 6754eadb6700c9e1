#include "dist/ring.hpp"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "core/check.hpp"
#include "core/validate.hpp"

namespace embed_metrics::detail {
namespace {

// One message of the rows and their tags (the state travels home apart).
std::vector<std::uint8_t> pack_rows(const ring_block& b) {
  const std::size_t fx = b.x.size() * sizeof(float);
  const std::size_t ft = b.tag.size() * sizeof(std::int64_t);
  std::vector<std::uint8_t> out(fx + ft);
  if (fx) std::memcpy(out.data(), b.x.data(), fx);
  if (ft) std::memcpy(out.data() + fx, b.tag.data(), ft);
  return out;
}

void unpack_rows(const std::vector<std::uint8_t>& in, ring_block& b, std::int64_t d) {
  const auto rows = static_cast<std::size_t>(b.rows);
  b.x.resize(rows * static_cast<std::size_t>(d));
  b.tag.resize(rows);
  const std::size_t fx = b.x.size() * sizeof(float);
  if (fx) std::memcpy(b.x.data(), in.data(), fx);
  if (rows) std::memcpy(b.tag.data(), in.data() + fx, rows * sizeof(std::int64_t));
}

// EMBED_METRICS_RING_BLOCKING=1 waits each exchange at once: the same
// bytes and results, to measure what the overlap changes.
bool ring_overlaps() {
  const char* v = std::getenv("EMBED_METRICS_RING_BLOCKING");
  return v == nullptr || std::string(v) != "1";
}

std::size_t rows_bytes(std::int64_t rows, std::int64_t d) {
  return static_cast<std::size_t>(rows) * (static_cast<std::size_t>(d) * sizeof(float) + sizeof(std::int64_t));
}

}  // namespace

ring_block block_of_rows(matrix_view x, const row_layout& layout, std::int64_t width) {
  ring_block b;
  b.first = layout.offset[static_cast<std::size_t>(layout.rank)];
  b.rows = x.rows;
  b.x.resize(static_cast<std::size_t>(x.rows * x.cols));
  for (std::int64_t i = 0; i < x.rows; ++i)
    std::memcpy(b.x.data() + i * x.cols, x.row(i), sizeof(float) * static_cast<std::size_t>(x.cols));
  b.tag.assign(static_cast<std::size_t>(x.rows), 0);
  b.state.assign(static_cast<std::size_t>(x.rows * width), 0);
  return b;
}

void run_ring(communicator& comm, const row_layout& layout, ring_block& own, std::int64_t d,
              std::int64_t width, const std::function<void(ring_block&)>& fresh,
              const std::function<void(ring_block&, ring_block&, bool)>& measure,
              const std::function<void(std::int64_t*, const std::int64_t*)>& merge) {
  const int p = comm.size();
  const int r = comm.rank();
  if (p == 1) {
    measure(own, own, true);
    return;
  }
  const bool overlap = ring_overlaps();
  const int steps = p / 2;
  const int next = (r + 1) % p;
  const int prev = (r + p - 1) % p;
  auto rows_of = [&](int rank) { return layout.count[static_cast<std::size_t>(rank)]; };
  const auto state_words = [width](std::int64_t rows) { return static_cast<std::size_t>(rows * width); };
  // The rows travel alone (they do not change on the way): the block of
  // step s + 1 is already on its way while step s is measured. Each visited
  // block's state starts fresh here and goes straight home after its step.
  std::vector<std::uint8_t> current = pack_rows(own);
  std::vector<std::uint8_t> arriving;
  std::unique_ptr<pending_exchange> rows_in_flight;
  // Sends the current rows on to the next rank and takes those of rank @p from.
  auto pass_rows = [&](int from) {
    arriving.resize(rows_bytes(rows_of(from), d));
    rows_in_flight = comm.start_send_recv(current.data(), current.size(), next, arriving.data(),
                                          arriving.size(), prev);
    if (!overlap) rows_in_flight->wait();
  };
  pass_rows(prev);
  measure(own, own, true);  // the pairs inside the own block, while the first visitor arrives
  ring_block visitor;
  std::vector<std::int64_t> home_out;
  std::vector<std::int64_t> home_in;
  std::unique_ptr<pending_exchange> home_in_flight;
  // Empty when the helper did not measure our block (the last step of an even ring).
  auto merge_home = [&] {
    home_in_flight->wait();
    if (!home_in.empty())
      for (std::int64_t i = 0; i < own.rows; ++i)
        merge(own.state.data() + i * width, home_in.data() + i * width);
  };
  for (int s = 1; s <= steps; ++s) {
    const int owner = (r - s + p) % p;  // whose block is measured at this step
    rows_in_flight->wait();
    std::swap(current, arriving);
    // Forward the block just arrived, and take the next, before measuring.
    if (s < steps) pass_rows((r - s - 1 + p) % p);
    visitor.first = layout.offset[static_cast<std::size_t>(owner)];
    visitor.rows = rows_of(owner);
    unpack_rows(current, visitor, d);
    visitor.state.resize(state_words(visitor.rows));
    fresh(visitor);
    // At the last step of an even ring ranks r and r + P/2 hold each
    // other's block: only the lower one measures, and only its state goes home.
    const bool twice = (p % 2 == 0) && s == steps;
    const bool measures = !twice || r < p / 2;
    if (measures) measure(own, visitor, false);
    // One home exchange in flight: the previous one completes (and merges)
    // before this one starts, so at most one returning state is held.
    if (home_in_flight != nullptr) merge_home();
    home_out.swap(visitor.state);
    const int helper = (r + s) % p;  // the rank measuring our block at this step
    const bool helper_measures = !twice || helper < p / 2;
    home_in.assign(helper_measures ? state_words(own.rows) : 0, 0);
    home_in_flight = comm.start_send_recv(home_out.data(), measures ? home_out.size() * sizeof(std::int64_t) : 0,
                                          owner, home_in.data(), home_in.size() * sizeof(std::int64_t), helper);
    if (!overlap) home_in_flight->wait();
    visitor.state.clear();
  }
  merge_home();
}

void check_ring_input(matrix_view x, const char* what) {
  check_host_rows(x, "x");
  EM_EXPECTS(x.cols > 0, what, ": x has no columns");
}

}  // namespace embed_metrics::detail
