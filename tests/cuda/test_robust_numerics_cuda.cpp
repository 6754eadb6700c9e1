// The CUDA backend on data far from the origin and on huge, tiny and
// subnormal-scale data (tests/golden/make_robust_numerics.py), against the
// CPU backend (the oracle, itself checked by tests/cpu/test_robust_numerics.cpp),
// with host and device views.
#include <cuda_runtime_api.h>

#include <cmath>
#include <string>
#include <vector>

#include "common/test_util.hpp"
#include "embed_metrics/kmeans.hpp"
#include "embed_metrics/knn.hpp"
#include "embed_metrics/silhouette.hpp"

namespace em = embed_metrics;

namespace {

struct variant {
  std::string name;
  em::host_matrix x;
};

std::vector<variant> variants() {
  const auto x = em_test::matrix_from_json(em_test::load_golden("robust_numerics.json")["x"]);
  const std::vector<double> shift = {1e4, -3e4, 5e4, -1e5, 7e3, 2e5};
  std::vector<variant> out;
  out.push_back({"shifted", em::host_matrix(x.rows(), x.cols())});
  for (std::int64_t i = 0; i < x.rows(); ++i)
    for (std::int64_t j = 0; j < x.cols(); ++j)
      out.back().x(i, j) = static_cast<float>(x(i, j) + shift[static_cast<std::size_t>(j)]);
  for (const double s : {std::ldexp(1.0, -100), 1e25, 1e-25}) {
    out.push_back({"scale " + std::to_string(s), em::host_matrix(x.rows(), x.cols())});
    for (std::int64_t i = 0; i < x.rows(); ++i)
      for (std::int64_t j = 0; j < x.cols(); ++j)
        out.back().x(i, j) = static_cast<float>(static_cast<double>(x(i, j)) * s);
  }
  return out;
}

/// A device copy of a host matrix, freed with the object.
struct device_copy {
  float* data = nullptr;
  em::matrix_view view;
  explicit device_copy(const em::host_matrix& m) {
    const auto bytes = sizeof(float) * static_cast<std::size_t>(m.rows() * m.cols());
    EXPECT_EQ(cudaMalloc(reinterpret_cast<void**>(&data), bytes), cudaSuccess);
    EXPECT_EQ(cudaMemcpy(data, m.data(), bytes, cudaMemcpyHostToDevice), cudaSuccess);
    view = em::matrix_view(data, m.rows(), m.cols(), 0, em::memory_space::device);
  }
  ~device_copy() { cudaFree(data); }
  device_copy(const device_copy&) = delete;
  device_copy& operator=(const device_copy&) = delete;
};

std::vector<std::int64_t> labels() {
  return em_test::load_golden("robust_numerics.json")["labels"].get<std::vector<std::int64_t>>();
}

}  // namespace

TEST(RobustNumericsCuda, KmeansMatchesCpu) {
  EM_REQUIRE_GPU();
  em::resources cpu("cpu"), gpu("cuda");
  for (const auto& v : variants()) {
    SCOPED_TRACE(v.name);
    em::host_matrix init(4, v.x.cols());
    for (std::int64_t c = 0; c < 4; ++c)
      for (std::int64_t j = 0; j < v.x.cols(); ++j) init(c, j) = v.x(c * 17, j);
    em::kmeans_params p;
    p.k = 4;
    p.init = em::kmeans_init::given;
    p.initial_centers = init.view();
    const auto want = em::kmeans(cpu, v.x.view(), p);
    EXPECT_TRUE(want.converged);
    const device_copy dx(v.x);
    for (const em::matrix_view view : {v.x.view(), dx.view}) {
      const auto got = em::kmeans(gpu, view, p);
      EXPECT_EQ(got.labels, want.labels);
      EXPECT_TRUE(got.converged);
      EXPECT_NEAR(got.inertia, want.inertia, 1e-5 * want.inertia);
      EXPECT_EQ(em::kmeans_predict(gpu, view, want.centers.view()), want.labels);
    }
  }
}

TEST(RobustNumericsCuda, KnnAndAccuracyMatchCpu) {
  EM_REQUIRE_GPU();
  em::resources cpu("cpu"), gpu("cuda");
  const auto l = labels();
  for (const auto& v : variants()) {
    SCOPED_TRACE(v.name);
    const auto want = em::knn(cpu, v.x.view(), 5);
    const device_copy dx(v.x);
    for (const em::matrix_view view : {v.x.view(), dx.view}) {
      const auto got = em::knn(gpu, view, 5);
      EXPECT_EQ(got.indices, want.indices);
      for (std::size_t t = 0; t < want.distances.size(); ++t)
        EXPECT_NEAR(got.distances[t], want.distances[t], 1e-6 * want.distances[t]) << t;
      EXPECT_EQ(em::knn_accuracy(gpu, view, l, 10), em::knn_accuracy(cpu, v.x.view(), l, 10));
    }
  }
}

TEST(RobustNumericsCuda, SilhouetteMatchesCpu) {
  EM_REQUIRE_GPU();
  em::resources cpu("cpu"), gpu("cuda");
  const auto l = labels();
  for (const auto& v : variants()) {
    SCOPED_TRACE(v.name);
    const device_copy dx(v.x);
    for (const auto m : {em::silhouette_metric::euclidean, em::silhouette_metric::sqeuclidean}) {
      const double exact = em::silhouette(cpu, v.x.view(), l, {m, false}).score;
      const double simplified = em::silhouette_simplified(cpu, v.x.view(), l, {m, false}).score;
      EXPECT_GT(exact, 0.1);
      for (const em::matrix_view view : {v.x.view(), dx.view}) {
        EXPECT_NEAR(em::silhouette(gpu, view, l, {m, false}).score, exact, 1e-5);
        EXPECT_NEAR(em::silhouette_simplified(gpu, view, l, {m, false}).score, simplified, 1e-5);
      }
    }
  }
}
