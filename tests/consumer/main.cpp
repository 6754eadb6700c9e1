// A program that uses the installed package: two points, one distance.
#include <embed_metrics/distance.hpp>
#include <embed_metrics/version.hpp>

#include <cstdio>

int main() {
  const float pts[] = {0.0f, 0.0f, 3.0f, 4.0f};
  embed_metrics::resources res("cpu", 1);
  const embed_metrics::matrix_view x(pts, 2, 2);
  const auto d = embed_metrics::pairwise_sqeuclidean(res, x, x);
  std::printf("embed_metrics %s: d(0,1)^2 = %g\n", embed_metrics::version_string, d(0, 1));
  return d(0, 1) == 25.0f && d(0, 0) == 0.0f ? 0 : 1;
}
