#include "dist/row_layout.hpp"

#include <algorithm>
#include <cmath>

#include "core/check.hpp"
#include "core/validate.hpp"
#include "dist/host_staging.hpp"

namespace embed_metrics::detail {

std::shared_ptr<communicator> comm_of(const resources& res) {
  if (!res.comm()) return make_single_process_communicator();
  return host_communicator(res.comm());
}

row_layout row_layout::of(communicator& comm, std::int64_t local_rows) {
  row_layout l;
  const auto p = static_cast<std::size_t>(comm.size());
  l.rank = comm.rank();
  l.count.resize(p);
  comm.all_gather(&local_rows, sizeof local_rows, l.count.data());
  l.offset.resize(p);
  for (std::size_t r = 0; r < p; ++r) {
    l.offset[r] = l.total;
    l.total += l.count[r];
  }
  return l;
}

int row_layout::owner(std::int64_t g) const {
  const auto it = std::upper_bound(offset.begin(), offset.end(), g);
  int r = static_cast<int>(it - offset.begin()) - 1;
  while (r > 0 && count[static_cast<std::size_t>(r)] == 0) --r;  // never an empty block
  return r;
}

std::vector<std::int64_t> all_gather_v(communicator& comm, const std::vector<std::int64_t>& local) {
  const auto p = static_cast<std::size_t>(comm.size());
  std::int64_t n = static_cast<std::int64_t>(local.size());
  std::vector<std::int64_t> sizes(p);
  comm.all_gather(&n, sizeof n, sizes.data());
  const std::int64_t most = *std::max_element(sizes.begin(), sizes.end());
  std::vector<std::int64_t> padded(static_cast<std::size_t>(most), 0);
  std::copy(local.begin(), local.end(), padded.begin());
  std::vector<std::int64_t> all(static_cast<std::size_t>(most) * p);
  comm.all_gather(padded.data(), sizeof(std::int64_t) * padded.size(), all.data());
  std::vector<std::int64_t> out;
  for (std::size_t r = 0; r < p; ++r) {
    const auto from = all.begin() + static_cast<std::ptrdiff_t>(r) * most;
    out.insert(out.end(), from, from + sizes[r]);
  }
  return out;
}

std::vector<std::int64_t> global_values(communicator& comm, const std::int64_t* local, std::int64_t n) {
  std::vector<std::int64_t> mine(local, local + n);
  std::sort(mine.begin(), mine.end());
  mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
  std::vector<std::int64_t> all = all_gather_v(comm, mine);
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

std::vector<double> global_row(communicator& comm, const row_layout& layout, matrix_view x,
                               std::int64_t g) {
  std::vector<double> row(static_cast<std::size_t>(x.cols), 0.0);
  const int owner = layout.owner(g);
  if (comm.rank() == owner) {
    const float* src = x.row(g - layout.offset[static_cast<std::size_t>(owner)]);
    for (std::int64_t j = 0; j < x.cols; ++j) row[static_cast<std::size_t>(j)] = src[j];
  }
  comm.all_reduce_sum(row.data(), row.size());  // the others add zeros: exact
  return row;
}

double global_max(communicator& comm, double v) {
  comm.all_reduce_max(&v, 1);
  return v;
}

std::int64_t global_sum(communicator& comm, std::int64_t v) {
  comm.all_reduce_sum(&v, 1);
  return v;
}

double global_max_abs(communicator& comm, matrix_view x) {
  double most = 0.0;
  for (std::int64_t i = 0; i < x.rows; ++i)
    for (std::int64_t j = 0; j < x.cols; ++j)
      most = std::max(most, std::fabs(static_cast<double>(x.row(i)[j])));
  return global_max(comm, most);
}

void check_host_rows(matrix_view x, const char* name) {
  check_matrix(x, name);
  check_host(x, name, resources("cpu"));
  check_finite(x, name);
}

void on_every_rank(communicator& comm, const std::function<void()>& checks) {
  std::exception_ptr failed;
  try {
    checks();
  } catch (...) {
    failed = std::current_exception();
  }
  if (global_max(comm, failed ? 1.0 : 0.0) == 0.0) return;
  if (failed) std::rethrow_exception(failed);
  throw invalid_argument(cat("rank ", comm.rank(), ": another rank's input failed its checks (that rank says why)"));
}

}  // namespace embed_metrics::detail
