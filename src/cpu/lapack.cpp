#include "cpu/lapack.hpp"

#include <cstddef>
#include <limits>

#include "core/check.hpp"

// Fortran LAPACK entry points (OpenBLAS exports them); the trailing lengths
// are the hidden lengths of the character arguments.
extern "C" {
void dsyev_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w,
            double* work, const int* lwork, int* info, std::size_t jobz_len, std::size_t uplo_len);
}

namespace embed_metrics::cpu {
namespace {

int as_lapack_int(std::int64_t d) {
  EM_EXPECTS(d <= std::numeric_limits<int>::max() / 8, "matrix of dimension ", d,
             " is too large for LAPACK");
  return static_cast<int>(d);
}

}  // namespace

std::vector<double> symmetric_eigenvalues(std::vector<double>& a, std::int64_t d) {
  std::vector<double> w(static_cast<std::size_t>(d));
  if (d == 0) return w;
  const int n = as_lapack_int(d);
  int info = 0;
  int lwork = -1;
  double query = 0.0;
  dsyev_("N", "L", &n, a.data(), &n, w.data(), &query, &lwork, &info, 1, 1);
  lwork = static_cast<int>(query);
  std::vector<double> work(static_cast<std::size_t>(lwork > 1 ? lwork : 1));
  lwork = static_cast<int>(work.size());
  dsyev_("N", "L", &n, a.data(), &n, w.data(), work.data(), &lwork, &info, 1, 1);
  if (info != 0)
    throw error(detail::cat("symmetric eigenvalues: LAPACK dsyev failed to converge (info = ",
                            info, ")"));
  return w;
}

}  // namespace embed_metrics::cpu
