// Batched Lloyd iterations, one driver for every backend. Each iteration is
// one pass of the backend's assignment over the rows against the stacked
// centres of every run still iterating (with the cluster sums of the runs
// that update); then, per run, empty clusters take the rows farthest from
// their centres (scikit-learn's _relocate_empty_clusters), the means and
// the centre shift, and the stopping rules: labels unchanged, shift within
// tol (then one more assignment against the final centres, as scikit-learn
// does), or max_iter.

#include "metrics/kmeans_driver.hpp"

#include "backend/backend.hpp"
#include "cpu/kmeans_common.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::detail {

namespace {

enum class run_state { iterating, finalizing, done };

struct run_info {
  int cur = 0;  // which of the run's two label buffers holds the last assignment
  run_state state = run_state::iterating;
  int n_iter = 0;
  bool converged = false;
};

/// Empty clusters of one run take the rows farthest from the centres that
/// @p labels were assigned to, farthest first; @p counts and @p sums follow.
void relocate_empty(const resources& res, const kmeans_ops& ops, kmeans_rows x,
                    const std::int32_t* labels, const float* old_centers,
                    std::vector<std::int64_t>& counts, double* sums) {
  std::vector<std::int64_t> empty;
  for (std::size_t c = 0; c < counts.size(); ++c)
    if (counts[c] == 0) empty.push_back(static_cast<std::int64_t>(c));
  if (empty.empty()) return;
  const std::vector<double> dist = ops.center_distances(res, x, labels, old_centers);
  const std::vector<std::int64_t> far = farthest_rows(dist, empty.size());
  std::vector<kmeans_move> moves(far.size());
  for (std::size_t e = 0; e < far.size(); ++e) {
    std::int32_t from = 0;
    ops.download(res, &from, labels + far[e], sizeof from);
    moves[e] = {far[e], from, empty[e]};
    counts[static_cast<std::size_t>(empty[e])] = 1;
    counts[static_cast<std::size_t>(from)] -= 1;
  }
  ops.relocate(res, x, moves, sums);
}

}  // namespace

std::vector<kmeans_result> kmeans_lloyd(const resources& res, matrix_view x_in,
                                        const kmeans_params& p,
                                        const std::vector<std::uint64_t>& seeds) {
  const kmeans_ops& ops = *backend_for(res).kmeans;
  const auto call = ops.begin_call(res);
  const bool spherical = p.metric == kmeans_metric::cosine;
  const kmeans_staged sx = ops.stage_rows(res, x_in, false, "x");
  const kmeans_rows x = sx.rows;
  const std::int64_t n = x.n;
  const std::int64_t d = x.d;
  const std::int64_t k = p.k;
  const int runs = static_cast<int>(seeds.size());
  const std::int64_t kd = k * d;
  const double tol = ops.tolerance(res, x, p.tol);

  const kmeans_buffer centers = kmeans_seed_centers(res, ops, x, p, seeds);

  // Two label buffers per run: the last assignment and the one being made;
  // -1 before the first, so that it never counts as unchanged.
  const kmeans_buffer labels = allocate<std::int32_t>(res, ops, 2 * runs * n, "the k-means labels");
  ops.fill_bytes(res, labels.as<void>(), 0xff, labels.bytes());
  auto label_buf = [&](int r, int which) { return labels.as<std::int32_t>() + (2 * r + which) * n; };
  auto centers_of = [&](int r) { return centers.as<float>() + r * kd; };

  const kmeans_buffer sums = allocate<double>(res, ops, runs * kd, "the k-means cluster sums");
  const kmeans_buffer fresh = allocate<float>(res, ops, kd, "the k-means centres");
  const kmeans_buffer cn = allocate<float>(res, ops, runs * k, "the centres' squared norms");
  kmeans_buffer packed;
  std::vector<run_info> info(static_cast<std::size_t>(runs));
  std::vector<int> live;
  std::vector<std::int32_t*> outs;
  std::vector<double*> run_sums;
  for (;;) {
    live.clear();
    outs.clear();
    run_sums.clear();
    for (int r = 0; r < runs; ++r) {
      const auto& st = info[static_cast<std::size_t>(r)];
      if (st.state == run_state::done) continue;
      live.push_back(r);
      outs.push_back(label_buf(r, 1 - st.cur));
      run_sums.push_back(st.state == run_state::iterating ? sums.as<double>() + r * kd : nullptr);
    }
    if (live.empty()) break;
    const int a_runs = static_cast<int>(live.size());
    const float* stacked = centers.as<float>();
    if (a_runs < runs) {  // the centres of the runs still going, packed
      if (packed.bytes() == 0) packed = allocate<float>(res, ops, runs * kd, "the k-means centres");
      for (int a = 0; a < a_runs; ++a)
        ops.copy(res, packed.as<float>() + a * kd, centers_of(live[static_cast<std::size_t>(a)]),
                 sizeof(float) * static_cast<std::size_t>(kd));
      stacked = packed.as<float>();
    }
    ops.row_sqnorms(res, kmeans_rows{stacked, a_runs * k, d, d}, cn.as<float>());
    auto counts = ops.assign(res, x, stacked, cn.as<float>(), k, a_runs, outs.data(), run_sums.data());

    for (int a = 0; a < a_runs; ++a) {
      const int r = live[static_cast<std::size_t>(a)];
      auto& st = info[static_cast<std::size_t>(r)];
      const std::int32_t* next = label_buf(r, 1 - st.cur);
      const std::int32_t* prev = label_buf(r, st.cur);
      st.cur = 1 - st.cur;
      if (st.state == run_state::finalizing) {
        st.state = run_state::done;
        continue;
      }
      ++st.n_iter;
      double* s = sums.as<double>() + r * kd;
      auto& cnt = counts[static_cast<std::size_t>(a)];
      relocate_empty(res, ops, x, next, centers_of(r), cnt, s);
      const double shift = ops.finish_centers(res, s, cnt, d, spherical, centers_of(r), fresh.as<float>());
      const bool stable = !ops.labels_differ(res, prev, next, n);
      ops.copy(res, centers_of(r), fresh.as<float>(), sizeof(float) * static_cast<std::size_t>(kd));
      if (stable) {
        st.converged = true;
        st.state = run_state::done;
      } else if (shift <= tol) {
        st.converged = true;
        st.state = run_state::finalizing;
      } else if (st.n_iter >= p.max_iter) {
        st.state = run_state::finalizing;
      }
    }
  }

  std::vector<kmeans_result> out(static_cast<std::size_t>(runs));
  std::vector<std::int32_t> l32(static_cast<std::size_t>(n));
  for (int r = 0; r < runs; ++r) {
    const auto& st = info[static_cast<std::size_t>(r)];
    auto& one = out[static_cast<std::size_t>(r)];
    const std::int32_t* lab = label_buf(r, st.cur);
    const double inertia = ops.inertia(res, x, lab, centers_of(r));
    one.inertia = spherical ? 0.5 * inertia : inertia;  // ||a - b||^2 / 2 = 1 - cos for unit rows
    one.centers = host_matrix(k, d);
    ops.download(res, one.centers.data(), centers_of(r), sizeof(float) * static_cast<std::size_t>(kd));
    ops.download(res, l32.data(), lab, sizeof(std::int32_t) * l32.size());
    one.labels.assign(l32.begin(), l32.end());
    one.n_iter = st.n_iter;
    one.converged = st.converged;
    one.seed = seeds[static_cast<std::size_t>(r)];
  }
  return out;
}

std::vector<std::int64_t> kmeans_nearest(const resources& res, matrix_view x_in,
                                         matrix_view centers_in) {
  const kmeans_ops& ops = *backend_for(res).kmeans;
  const auto call = ops.begin_call(res);
  const kmeans_staged x = ops.stage_rows(res, x_in, false, "x");
  const kmeans_staged c = ops.stage_rows(res, centers_in, true, "centers");
  const kmeans_buffer cn = allocate<float>(res, ops, c.rows.n, "the centres' squared norms");
  ops.row_sqnorms(res, c.rows, cn.as<float>());
  const kmeans_buffer labels = allocate<std::int32_t>(res, ops, x.rows.n, "the labels");
  std::int32_t* const out = labels.as<std::int32_t>();
  double* const no_sums = nullptr;
  (void)ops.assign(res, x.rows, c.rows.data, cn.as<float>(), c.rows.n, 1, &out, &no_sums);
  std::vector<std::int32_t> l32(static_cast<std::size_t>(x.rows.n));
  ops.download(res, l32.data(), out, sizeof(std::int32_t) * l32.size());
  return {l32.begin(), l32.end()};
}

}  // namespace embed_metrics::detail
