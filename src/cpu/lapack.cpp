#include "cpu/lapack.hpp"

#include <cstddef>
#include <limits>

#include "core/check.hpp"
#include "cpu/symmetric_eigen.hpp"

// Fortran LAPACK entry points (OpenBLAS exports them); the trailing lengths
// are the hidden lengths of the character arguments.
extern "C" {
void dsyev_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w,
            double* work, const int* lwork, int* info, std::size_t jobz_len, std::size_t uplo_len);
}

namespace embed_metrics::cpu {
namespace {

// dsyev with @p jobz "N" (eigenvalues) or "V" (and eigenvectors, into @p a);
// @p what names the job in the error. The matrix is symmetric, so its
// row-major storage is its column-major one.
std::vector<double> dsyev(const char* jobz, std::vector<double>& a, std::int64_t d,
                          const char* what) {
  std::vector<double> w(static_cast<std::size_t>(d));
  if (d == 0) return w;
  EM_EXPECTS(d <= std::numeric_limits<int>::max() / 8, "matrix of dimension ", d,
             " is too large for LAPACK");
  const int n = static_cast<int>(d);
  int info = 0;
  int lwork = -1;
  double query = 0.0;
  dsyev_(jobz, "L", &n, a.data(), &n, w.data(), &query, &lwork, &info, 1, 1);
  std::vector<double> work(static_cast<std::size_t>(query > 1.0 ? query : 1.0));
  lwork = static_cast<int>(work.size());
  dsyev_(jobz, "L", &n, a.data(), &n, w.data(), work.data(), &lwork, &info, 1, 1);
  if (info != 0)
    throw error(detail::cat(what, ": LAPACK dsyev failed to converge (info = ", info, ")"));
  return w;
}

}  // namespace

std::vector<double> symmetric_eigenvalues(std::vector<double>& a, std::int64_t d) {
  return dsyev("N", a, d, "symmetric eigenvalues");
}

std::vector<double> symmetric_eigen(std::vector<double>& a, std::int64_t d) {
  return dsyev("V", a, d, "symmetric eigen-decomposition");
}

}  // namespace embed_metrics::cpu
