#pragma once
// The primitives of the k-means driver (src/metrics/kmeans_driver.cpp and
// kmeans_init_driver.cpp), supplied by each backend with the same
// signatures. Every pointer a primitive takes lives in the backend's memory
// (host memory for the CPU, device memory for CUDA) unless it is a
// std::vector or named host; the driver only moves small arrays (centres,
// seeds, a few indices) through upload / download / copy.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "embed_metrics/matrix.hpp"

namespace embed_metrics {
class resources;
}

namespace embed_metrics::detail {

/// Memory of one backend, owned; the driver hands its pointer back to the
/// same backend's primitives and never reads it directly.
class kmeans_buffer {
 public:
  kmeans_buffer() = default;
  kmeans_buffer(std::shared_ptr<void> memory, std::size_t bytes)
      : memory_(std::move(memory)), bytes_(bytes) {}
  template <class T>
  [[nodiscard]] T* as() const noexcept {
    return static_cast<T*>(memory_.get());
  }
  [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }

 private:
  std::shared_ptr<void> memory_;
  std::size_t bytes_ = 0;
};

/// Rows in a backend's memory: row i starts at data + i * ld.
struct kmeans_rows {
  const float* data = nullptr;
  std::int64_t n = 0, d = 0, ld = 0;
};

/// Rows staged for a backend, with the copy that holds them when one was made.
struct kmeans_staged {
  kmeans_rows rows;
  kmeans_buffer keep;
};

/// One re-seeded empty cluster: row @c row leaves cluster @c from for @c to.
struct kmeans_move {
  std::int64_t row = 0, from = 0, to = 0;
};

class kmeans_ops {
 public:
  virtual ~kmeans_ops() = default;

  // --- memory -------------------------------------------------------------
  /// Held by a driver for the whole of one public call (declared before its
  /// buffers, so that it ends last): the CUDA backend waits for the stream
  /// and trims its memory pool when it ends.
  [[nodiscard]] virtual std::shared_ptr<void> begin_call(const resources& res) const = 0;
  /// @p bytes of the backend's memory; @p what names it in an out-of-memory error.
  [[nodiscard]] virtual kmeans_buffer allocate(const resources& res, std::size_t bytes,
                                               const char* what) const = 0;
  /// Host @p src to backend @p dst; @p src may be reused once this returns.
  virtual void upload(const resources& res, void* dst, const void* src, std::size_t bytes) const = 0;
  /// Backend @p src to host @p dst, complete when this returns.
  virtual void download(const resources& res, void* dst, const void* src, std::size_t bytes) const = 0;
  /// Backend to backend.
  virtual void copy(const resources& res, void* dst, const void* src, std::size_t bytes) const = 0;
  /// Every byte of @p dst set to @p value.
  virtual void fill_bytes(const resources& res, void* dst, unsigned char value, std::size_t bytes) const = 0;

  // --- rows ---------------------------------------------------------------
  /// The rows of @p m in the backend's memory (a view used in place where it
  /// can be), packed (ld == d) when @p packed; @p name names them in errors.
  /// Cosine rows come here already unit length (the backend's row_prep_ops).
  [[nodiscard]] virtual kmeans_staged stage_rows(const resources& res, matrix_view m, bool packed,
                                                 const char* name) const = 0;
  /// tol * the mean column variance (scikit-learn's _tolerance), in double.
  [[nodiscard]] virtual double tolerance(const resources& res, kmeans_rows x, double tol) const = 0;
  /// out[i] = ||row i||^2.
  virtual void row_sqnorms(const resources& res, kmeans_rows x, float* out) const = 0;
  /// out (count x d, packed) = the rows idx[0..count) of x.
  virtual void gather_rows(const resources& res, kmeans_rows x, const std::int64_t* idx,
                           std::int64_t count, float* out) const = 0;

  // --- k-means++ (all runs together; a run's trials are adjacent) ----------
  /// dist (n x m) = D^2 of every row to the candidate rows cand[0..m), clamped
  /// at 0 and exactly 0 for a row and itself, lowered to closest[(j / trials)
  /// * n + i] unless @p closest is null; part[b * m + j] = the sum of column
  /// j over the rows of block b (kKmeansBlock rows), in row order, in double.
  virtual void pp_candidates(const resources& res, kmeans_rows x, const float* xn,
                             const std::int64_t* cand, std::int64_t m, const float* closest,
                             int trials, float* dist, double* part) const = 0;
  /// cand[r * trials + t] = the row drawn for run r's trial t of centre
  /// @p step: the first row whose prefix sum of closest[r * n ..] reaches u *
  /// the run's potential (the sum of run_part[r * blocks ..]), u the Philox
  /// uniform (t, step) of seeds[r].
  virtual void pp_sample(const resources& res, const float* closest, const double* run_part,
                         std::int64_t n, const std::uint64_t* seeds, int runs, int trials,
                         std::uint32_t step, std::int64_t* cand) const = 0;
  /// For each run the trial of lowest potential (the first on ties) becomes
  /// centre @p step: its row to centers[(r * k + step) * d], its block sums
  /// to run_part[r * blocks], its column of dist to closest[r * n].
  virtual void pp_choose(const resources& res, kmeans_rows x, const float* dist, const double* part,
                         int runs, int trials, const std::int64_t* cand, std::int64_t k,
                         std::int64_t step, float* centers, double* run_part,
                         float* closest) const = 0;

  // --- Lloyd ----------------------------------------------------------------
  /// One pass over x for @p runs runs (their centres stacked, runs * k rows,
  /// packed, squared norms @p cn): labels[a][i] = the nearest centre of run a
  /// (the first on ties). Where sums[a] is not null, also the per-cluster
  /// sums of the rows (k x d doubles, in an order fixed by the shape alone)
  /// and the counts, returned as the run's entry (empty where sums[a] is null).
  /// @p labels and @p sums are host arrays of backend pointers.
  [[nodiscard]] virtual std::vector<std::vector<std::int64_t>> assign(
      const resources& res, kmeans_rows x, const float* centers, const float* cn, std::int64_t k,
      int runs, std::int32_t* const* labels, double* const* sums) const = 0;
  /// ||x_i - centers[labels[i]]||^2 in double, on the host.
  [[nodiscard]] virtual std::vector<double> center_distances(const resources& res, kmeans_rows x,
                                                             const std::int32_t* labels,
                                                             const float* centers) const = 0;
  /// Each move in order: sums[from] -= x[row], sums[to] = x[row].
  virtual void relocate(const resources& res, kmeans_rows x, const std::vector<kmeans_move>& moves,
                        double* sums) const = 0;
  /// centers = sums / counts (the unit vector of the sums when @p spherical);
  /// returns ||centers - old_centers||^2 summed in double.
  [[nodiscard]] virtual double finish_centers(const resources& res, const double* sums,
                                              const std::vector<std::int64_t>& counts,
                                              std::int64_t d, bool spherical,
                                              const float* old_centers, float* centers) const = 0;
  /// Whether a[i] != b[i] for some i < n.
  [[nodiscard]] virtual bool labels_differ(const resources& res, const std::int32_t* a,
                                           const std::int32_t* b, std::int64_t n) const = 0;
  /// Sum over rows of ||x_i - centers[labels[i]]||^2, in double.
  [[nodiscard]] virtual double inertia(const resources& res, kmeans_rows x,
                                       const std::int32_t* labels, const float* centers) const = 0;
};

}  // namespace embed_metrics::detail
