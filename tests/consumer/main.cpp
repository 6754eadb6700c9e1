// A program that uses the installed package: two points, one distance, and
// an error caught by its exported class.
#include <embed_metrics/distance.hpp>
#include <embed_metrics/error.hpp>
#include <embed_metrics/version.hpp>

#include <cstdio>

int main() {
  const float pts[] = {0.0f, 0.0f, 3.0f, 4.0f};
  embed_metrics::resources res("cpu", 1);
  const embed_metrics::matrix_view x(pts, 2, 2);
  const auto d = embed_metrics::pairwise_sqeuclidean(res, x, x);
  std::printf("embed_metrics %s: d(0,1)^2 = %g\n", embed_metrics::version_string, d(0, 1));
  bool caught = false;
  try {
    embed_metrics::resources bad("gpu");
  } catch (const embed_metrics::invalid_argument& e) {
    caught = true;
    std::printf("caught: %s\n", e.what());
  }
  return d(0, 1) == 25.0f && d(0, 0) == 0.0f && caught ? 0 : 1;
}
