#pragma once
// Which rows each rank holds: rank r holds the global rows [offset(r),
// offset(r) + count(r)), in rank order; the blocks may differ in size.
// Plus the helpers every distributed metric needs: the communicator of a
// resources handle, a value the owner broadcasts, the union of label values.

#include <cstdint>
#include <memory>
#include <vector>

#include "embed_metrics/communicator.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::detail {

/// The handle's communicator (host-memory face), or one rank alone.
std::shared_ptr<communicator> comm_of(const resources& res);

struct row_layout {
  std::vector<std::int64_t> count;   ///< rows of each rank
  std::vector<std::int64_t> offset;  ///< first global row of each rank
  std::int64_t total = 0;            ///< rows over all ranks
  int rank = 0;                      ///< this rank

  /// All-gathers the local row counts.
  static row_layout of(communicator& comm, std::int64_t local_rows);
  /// The rank holding global row @p g.
  [[nodiscard]] int owner(std::int64_t g) const;
};

/// The sorted distinct values of @p local over all ranks.
std::vector<std::int64_t> global_values(communicator& comm, const std::int64_t* local, std::int64_t n);

/// Variable-size all-gather: every rank's @p local, concatenated in rank order.
std::vector<std::int64_t> all_gather_v(communicator& comm, const std::vector<std::int64_t>& local);

/// The maximum over ranks of one value.
double global_max(communicator& comm, double v);

/// The sum over ranks of one integer.
std::int64_t global_sum(communicator& comm, std::int64_t v);

}  // namespace embed_metrics::detail
