#pragma once
// Which rows each rank holds: rank r holds the global rows [offset(r),
// offset(r) + count(r)), in rank order; the blocks may differ in size.
// Plus the helpers every distributed metric needs: the communicator of a
// resources handle, a value the owner broadcasts, the union of label values,
// the input checks and the row arithmetic in double.

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/internal_api.hpp"
#include "embed_metrics/communicator.hpp"
#include "embed_metrics/matrix.hpp"
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

/// Global row @p g of the rows split as @p layout says, sent by its owner to
/// every rank.
std::vector<double> global_row(communicator& comm, const row_layout& layout, matrix_view x,
                               std::int64_t g);

/// The maximum over ranks of one value.
double global_max(communicator& comm, double v);

/// The sum over ranks of one integer.
std::int64_t global_sum(communicator& comm, std::int64_t v);

/// The largest |x_ij| over the rows of all ranks.
double global_max_abs(communicator& comm, matrix_view x);

/// The input checks of a distributed metric's rows named @p name: a valid
/// view in host memory, every value finite.
void check_host_rows(matrix_view x, const char* name);

/// Runs @p checks, the checks of this rank's part of the input, and makes a
/// failure on one rank a failure on every rank: that rank throws its own
/// error, the others an invalid_argument saying another rank's input failed.
/// Otherwise the others would wait for ever in the next collective.
EMBED_METRICS_INTERNAL_API void on_every_rank(communicator& comm,
                                              const std::function<void()>& checks);

/// The squared distance of two rows in double (float rows, or a float row
/// and a double centre).
template <class A, class B>
double sq_distance(const A* a, const B* b, std::int64_t d) {
  double s = 0.0;
  for (std::int64_t j = 0; j < d; ++j) {
    const double t = static_cast<double>(a[j]) - static_cast<double>(b[j]);
    s += t * t;
  }
  return s;
}

/// The squared norm of a row in double.
inline double sq_norm(const float* a, std::int64_t d) {
  double s = 0.0;
  for (std::int64_t j = 0; j < d; ++j) s += static_cast<double>(a[j]) * a[j];
  return s;
}

}  // namespace embed_metrics::detail
