#pragma once
// The CPU backend's k-means primitives (see backend/kmeans_ops.hpp), defined
// in kmeans_ops.cpp (memory, rows), kmeans_init.cpp (k-means++) and
// kmeans_lloyd.cpp (the Lloyd pass).

#include "backend/kmeans_ops.hpp"

namespace embed_metrics::cpu {

class kmeans_host_ops final : public detail::kmeans_ops {
 public:
  using rows = detail::kmeans_rows;

  std::shared_ptr<void> begin_call(const resources& res) const override;
  detail::kmeans_buffer allocate(const resources& res, std::size_t bytes, const char* what) const override;
  void upload(const resources& res, void* dst, const void* src, std::size_t bytes) const override;
  void download(const resources& res, void* dst, const void* src, std::size_t bytes) const override;
  void copy(const resources& res, void* dst, const void* src, std::size_t bytes) const override;
  void fill_bytes(const resources& res, void* dst, unsigned char value, std::size_t bytes) const override;

  detail::kmeans_staged stage_rows(const resources& res, matrix_view m, bool packed,
                                   const char* name) const override;
  double tolerance(const resources& res, rows x, double tol) const override;
  void row_sqnorms(const resources& res, rows x, float* out) const override;
  void gather_rows(const resources& res, rows x, const std::int64_t* idx, std::int64_t count,
                   float* out) const override;

  void pp_candidates(const resources& res, rows x, const float* xn, const std::int64_t* cand,
                     std::int64_t m, const float* closest, int trials, float* dist,
                     double* part) const override;
  void pp_sample(const resources& res, const float* closest, const double* run_part, std::int64_t n,
                 const std::uint64_t* seeds, int runs, int trials, std::uint32_t step,
                 std::int64_t* cand) const override;
  void pp_choose(const resources& res, rows x, const float* dist, const double* part, int runs,
                 int trials, const std::int64_t* cand, std::int64_t k, std::int64_t step,
                 float* centers, double* run_part, float* closest) const override;

  std::vector<std::vector<std::int64_t>> assign(const resources& res, rows x, const float* centers,
                                                const float* cn, std::int64_t k, int runs,
                                                std::int32_t* const* labels,
                                                double* const* sums) const override;
  std::vector<double> center_distances(const resources& res, rows x, const std::int32_t* labels,
                                       const float* centers) const override;
  void relocate(const resources& res, rows x, const std::vector<detail::kmeans_move>& moves,
                double* sums) const override;
  double finish_centers(const resources& res, const double* sums,
                        const std::vector<std::int64_t>& counts, std::int64_t d, bool spherical,
                        const float* old_centers, float* centers) const override;
  bool labels_differ(const resources& res, const std::int32_t* a, const std::int32_t* b,
                     std::int64_t n) const override;
  double inertia(const resources& res, rows x, const std::int32_t* labels,
                 const float* centers) const override;
};

}  // namespace embed_metrics::cpu
