#pragma once
// An exception that leaves an OpenMP region calls std::terminate. A region
// whose body can throw (an allocation, a check) runs it through a
// region_errors: the first exception of any thread is kept, the other
// threads skip the rest of their work, and it is rethrown on the calling
// thread after the region.
//
//   detail::region_errors errors;
//   #pragma omp parallel for
//   for (i ...) errors.run([&] { body(i); });
//   errors.rethrow_first();
//
// In a region with inner `omp for` loops, every thread must still reach each
// loop (a worksharing construct is met by the whole team or by none), so each
// body is wrapped separately and a failed thread keeps going through the
// loops with nothing to do.

#include <atomic>
#include <exception>
#include <utility>

namespace embed_metrics::detail {

class region_errors {
 public:
  /// Run @p body unless some thread has already failed; keep its exception, if any.
  template <class F>
  void run(F&& body) noexcept {
    if (failed()) return;
    try {
      std::forward<F>(body)();
    } catch (...) {
      keep(std::current_exception());
    }
  }

  /// True once a body has thrown.
  [[nodiscard]] bool failed() const noexcept { return claimed_.load(std::memory_order_relaxed); }

  /// Rethrow the first exception kept (call after the region, on the calling thread).
  void rethrow_first() const {
    if (first_) std::rethrow_exception(first_);
  }

 private:
  void keep(std::exception_ptr e) noexcept {
    // Only the first thread to claim writes first_; the region's closing
    // barrier orders that write before rethrow_first reads it.
    if (!claimed_.exchange(true, std::memory_order_acq_rel)) first_ = std::move(e);
  }

  std::atomic<bool> claimed_{false};
  std::exception_ptr first_;
};

}  // namespace embed_metrics::detail
