// The label-free metrics of the report over ranks that need sums of rows
// only: the covariance spectrum with alpha-ReQ and NESum (the d x d second
// moments of dist/moments.hpp), the collapse std and the alignment (column
// and row sums), LiDAR (per-group sums and counts, then the within-group
// scatter). Every sum is order-free (dist/exact_sum.hpp), so the answer has
// the same bits at any number of ranks; the d x d finish then runs on every
// rank as one process runs it (src/metrics/spectrum_metrics.cpp: the
// spectrum metrics from the eigenvalues are its own function; LiDAR's
// finish is written out below as it is there).

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numeric>

#include "core/check.hpp"
#include "core/validate.hpp"
#include "cpu/blas.hpp"
#include "cpu/lapack.hpp"
#include "cpu/symmetric_eigen.hpp"
#include "dist/exact_sum.hpp"
#include "dist/moments.hpp"
#include "dist/row_layout.hpp"
#include "embed_metrics/distributed.hpp"
#include "metrics/entropy_common.hpp"
#include "metrics/spectrum_common.hpp"

namespace embed_metrics::distributed {
namespace {

/// Group sums and means in flight at once in LiDAR: 2^20 values (24 MiB of
/// exact sums, 8 MiB of means), whatever the number of groups; every chunk
/// costs one all-reduce per pass. EMBED_METRICS_LIDAR_CHUNK_VALUES sets
/// another count (the same on every rank), for the tests of several chunks.
std::int64_t lidar_chunk_values() {
  if (const char* v = std::getenv("EMBED_METRICS_LIDAR_CHUNK_VALUES"); v != nullptr && *v != '\0') {
    const long long c = std::atoll(v);
    if (c > 0) return c;
  }
  return std::int64_t{1} << 20;
}

// 1 / ||row|| in double for every row of x; a zero row on any rank is an
// error on every rank, naming @p what.
std::vector<double> inverse_norms(communicator& comm, matrix_view x, std::int64_t first,
                                  const char* what) {
  std::vector<double> inv(static_cast<std::size_t>(x.rows));
  detail::on_every_rank(comm, [&] {
    for (std::int64_t i = 0; i < x.rows; ++i) {
      const double s = detail::sq_norm(x.row(i), x.cols);
      EM_EXPECTS(s > 0.0, what, ": row ", first + i, " is all zeros and has no direction; drop it");
      inv[static_cast<std::size_t>(i)] = 1.0 / std::sqrt(s);
    }
  });
  return inv;
}

}  // namespace

spectrum_metrics_result spectrum_metrics(const resources& res, matrix_view x,
                                         const spectrum_metrics_params& params) {
  const auto comm = detail::comm_of(res);
  detail::on_every_rank(*comm, [&] { detail::check_host_rows(x, "x"); });
  const std::int64_t d = x.cols;
  const detail::moments m = detail::global_moments(res, *comm, x, /*shift_by_first=*/true);
  const std::int64_t n = m.n;
  EM_EXPECTS(n >= 2 && d >= 1, "spectrum metrics: x is ", n, "x", d,
             " over all ranks; the sample covariance needs at least 2 rows and 1 column");
  // For n < d too: the d x d covariance has the n - 1 non-zero eigenvalues
  // of the n x n Gram one process uses there, and d - n + 1 round-off ones,
  // which spectrum_metrics_from_eigenvalues cuts off.
  std::vector<double> cov = detail::covariance_from_gram(m.g, m.s, n, d);
  return detail::spectrum_metrics_from_eigenvalues(cpu::symmetric_eigenvalues(cov, d), n, d, params);
}

collapse_std_result collapse_std(const resources& res, matrix_view x, const collapse_std_params&) {
  const auto comm = detail::comm_of(res);
  detail::on_every_rank(*comm, [&] { detail::check_host_rows(x, "x"); });
  const auto layout = detail::row_layout::of(*comm, x.rows);
  const std::int64_t n = layout.total;
  const std::int64_t d = x.cols;
  EM_EXPECTS(n >= 2 && d >= 1, "collapse std: x is ", n, "x", d,
             " over all ranks; a standard deviation needs at least 2 rows");
  const std::vector<double> inv =
      inverse_norms(*comm, x, layout.offset[static_cast<std::size_t>(layout.rank)], "collapse std");
  // Two passes, as one process: the column means, then the squared
  // deviations from them (the components of unit rows lie in [-1, 1]).
  detail::exact_sums sum(static_cast<std::size_t>(d), detail::exact_exponent(1.0));
  for (std::int64_t i = 0; i < x.rows; ++i)
    for (std::int64_t j = 0; j < d; ++j)
      sum.add(static_cast<std::size_t>(j), x.row(i)[j] * inv[static_cast<std::size_t>(i)]);
  sum.all_reduce(*comm);
  std::vector<double> mean(static_cast<std::size_t>(d));
  for (std::int64_t j = 0; j < d; ++j) mean[static_cast<std::size_t>(j)] = sum.value(static_cast<std::size_t>(j)) / static_cast<double>(n);
  detail::exact_sums dev(static_cast<std::size_t>(d), detail::exact_exponent(4.0));
  for (std::int64_t i = 0; i < x.rows; ++i)
    for (std::int64_t j = 0; j < d; ++j) {
      const double e = x.row(i)[j] * inv[static_cast<std::size_t>(i)] - mean[static_cast<std::size_t>(j)];
      dev.add(static_cast<std::size_t>(j), e * e);
    }
  dev.all_reduce(*comm);
  double total = 0.0;
  for (std::int64_t j = 0; j < d; ++j) total += std::sqrt(dev.value(static_cast<std::size_t>(j)) / static_cast<double>(n - 1));
  collapse_std_result r;
  r.collapse_std = total / static_cast<double>(d);
  r.healthy = 1.0 / std::sqrt(static_cast<double>(d));
  r.n = n;
  r.d = d;
  return r;
}

alignment_result alignment(const resources& res, matrix_view a, matrix_view b, const alignment_params& params) {
  const auto comm = detail::comm_of(res);
  detail::on_every_rank(*comm, [&] {
    detail::check_host_rows(a, "a");
    detail::check_host_rows(b, "b");
    EM_EXPECTS(a.rows == b.rows && a.cols == b.cols, "alignment: the views are ", a.rows, "x", a.cols,
               " and ", b.rows, "x", b.cols,
               " on this rank; row i of both must be one image, so the shapes must match");
    EM_EXPECTS(std::isfinite(params.alpha) && params.alpha > 0.0, "alignment: alpha = ", params.alpha,
               "; it must be positive (the paper uses 2)");
  });
  const auto layout = detail::row_layout::of(*comm, a.rows);
  EM_EXPECTS(layout.total >= 1 && a.cols >= 1, "alignment: the views are empty on every rank");
  const std::int64_t first = layout.offset[static_cast<std::size_t>(layout.rank)];
  const std::vector<double> ia = inverse_norms(*comm, a, first, "alignment (a)");
  const std::vector<double> ib = inverse_norms(*comm, b, first, "alignment (b)");
  // Unit rows are at most 2 apart: every term is at most 2^alpha.
  detail::exact_sums sum(1, detail::exact_exponent(std::pow(2.0, params.alpha) * 1.01));
  for (std::int64_t i = 0; i < a.rows; ++i) {
    double d2 = 0.0;
    for (std::int64_t j = 0; j < a.cols; ++j) {
      const double diff = a.row(i)[j] * ia[static_cast<std::size_t>(i)] - b.row(i)[j] * ib[static_cast<std::size_t>(i)];
      d2 += diff * diff;
    }
    sum.add(0, params.alpha == 2.0 ? d2 : std::pow(d2, 0.5 * params.alpha));
  }
  sum.all_reduce(*comm);
  alignment_result r;
  r.n = layout.total;
  r.d = a.cols;
  r.alignment = sum.value(0) / static_cast<double>(layout.total);
  return r;
}

lidar_result lidar(const resources& res, matrix_view x, label_view groups, const lidar_params& params) {
  const auto comm = detail::comm_of(res);
  detail::on_every_rank(*comm, [&] {
    detail::check_host_rows(x, "x");
    detail::check_lidar_input(x, groups, params);
  });
  const auto layout = detail::row_layout::of(*comm, x.rows);
  // Group ids are global: each rank maps its rows' ids into the sorted union.
  const std::vector<std::int64_t> values = detail::global_values(*comm, groups.data, groups.size);
  const auto g = static_cast<std::int64_t>(values.size());
  const std::int64_t n = layout.total;
  const std::int64_t d = x.cols;
  detail::check_lidar_groups(g, n);
  std::vector<std::int64_t> id(static_cast<std::size_t>(x.rows));
  std::vector<std::int64_t> counts(static_cast<std::size_t>(g), 0);
  for (std::int64_t i = 0; i < x.rows; ++i) {
    id[static_cast<std::size_t>(i)] = std::lower_bound(values.begin(), values.end(), groups.data[i]) - values.begin();
    ++counts[static_cast<std::size_t>(id[static_cast<std::size_t>(i)])];
  }
  // The local rows in order of their group, so that each chunk of groups is
  // one run of rows, from start[a0] to start[a1].
  std::vector<std::int64_t> start(static_cast<std::size_t>(g) + 1, 0);
  std::partial_sum(counts.begin(), counts.end(), start.begin() + 1);
  std::vector<std::int64_t> order(static_cast<std::size_t>(x.rows));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&id](std::int64_t i, std::int64_t j) {
    return id[static_cast<std::size_t>(i)] < id[static_cast<std::size_t>(j)];
  });
  comm->all_reduce_sum(counts.data(), counts.size());
  const double most = detail::global_max_abs(*comm, x);
  // The group sums travel a chunk of groups at a time, its size set by d
  // alone (the same at any rank count): a rank holds one chunk's sums and
  // means, never all g x d of them (g grows with the rows).
  const std::int64_t chunk = std::max<std::int64_t>(1, lidar_chunk_values() / d);
  const auto chunk_means = [&](std::int64_t a0, std::int64_t a1, std::vector<double>& means) {
    detail::exact_sums sums(static_cast<std::size_t>((a1 - a0) * d), detail::exact_exponent(most));
    for (std::int64_t m = start[static_cast<std::size_t>(a0)]; m < start[static_cast<std::size_t>(a1)]; ++m) {
      const std::int64_t i = order[static_cast<std::size_t>(m)];
      const std::int64_t a = id[static_cast<std::size_t>(i)] - a0;
      for (std::int64_t j = 0; j < d; ++j) sums.add(static_cast<std::size_t>(a * d + j), x.row(i)[j]);
    }
    sums.all_reduce(*comm);
    means.resize(static_cast<std::size_t>((a1 - a0) * d));
    for (std::int64_t a = a0; a < a1; ++a)
      for (std::int64_t j = 0; j < d; ++j)
        means[static_cast<std::size_t>((a - a0) * d + j)] =
            sums.value(static_cast<std::size_t>((a - a0) * d + j)) / static_cast<double>(counts[static_cast<std::size_t>(a)]);
  };
  // First pass: the within-group scatter W = sum_i (x_i - mu_g)(x_i - mu_g)^T
  // (upper triangle) and the mean of the group means, summed in group order
  // as one process sums them.
  const auto tri = static_cast<std::size_t>(d * (d + 1) / 2);
  detail::exact_sums within(tri, detail::exact_exponent(4.0 * most * most * 1.01));
  std::vector<double> mu(static_cast<std::size_t>(d), 0.0);
  std::vector<double> means;
  std::vector<double> y(static_cast<std::size_t>(d));
  for (std::int64_t a0 = 0; a0 < g; a0 += chunk) {
    const std::int64_t a1 = std::min(g, a0 + chunk);
    chunk_means(a0, a1, means);
    for (std::int64_t a = a0; a < a1; ++a)
      for (std::int64_t j = 0; j < d; ++j) mu[static_cast<std::size_t>(j)] += means[static_cast<std::size_t>((a - a0) * d + j)];
    for (std::int64_t m = start[static_cast<std::size_t>(a0)]; m < start[static_cast<std::size_t>(a1)]; ++m) {
      const std::int64_t i = order[static_cast<std::size_t>(m)];
      const double* mg = means.data() + (id[static_cast<std::size_t>(i)] - a0) * d;
      for (std::int64_t j = 0; j < d; ++j) y[static_cast<std::size_t>(j)] = x.row(i)[j] - mg[j];
      detail::add_upper_outer(within, y);
    }
  }
  within.all_reduce(*comm);
  for (double& v : mu) v /= static_cast<double>(g);
  // Second pass: Sigma_b = (1/g) sum_a (mu_a - mu)(mu_a - mu)^T, chunk by
  // chunk (the chunk's sums are all-reduced again rather than kept).
  std::vector<double> sb(static_cast<std::size_t>(d * d), 0.0);
  for (std::int64_t a0 = 0; a0 < g; a0 += chunk) {
    const std::int64_t a1 = std::min(g, a0 + chunk);
    chunk_means(a0, a1, means);
    for (std::int64_t a = 0; a < a1 - a0; ++a)
      for (std::int64_t j = 0; j < d; ++j) means[static_cast<std::size_t>(a * d + j)] -= mu[static_cast<std::size_t>(j)];
    cpu::dgemm_tn(d, d, a1 - a0, 1.0 / static_cast<double>(g), means.data(), d, means.data(), d, 1.0, sb.data(), d,
                  res.threads());
  }
  // From here every rank finishes as one process does.
  return detail::lidar_from_scatter(res, detail::symmetric_from_upper(within, d), sb, g, n, d,
                                    params);
}

}  // namespace embed_metrics::distributed
