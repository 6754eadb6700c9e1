// Time and bytes sent per rank of each distributed metric, for the cost
// model of docs/scale-out.md. Run as: mpirun -np P em_bench_dist [n d k];
// every rank makes the same Gaussian blobs and takes an equal block. Prints
// one markdown row per metric: the slowest rank's time and the most bytes
// any rank sent. EMBED_METRICS_RING_BLOCKING=1 (exported to the ranks)
// waits each ring exchange at once instead of overlapping it with the
// tile work, to measure what the overlap changes.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>

#include "embed_metrics/communicator.hpp"
#include "embed_metrics/distributed.hpp"

namespace em = embed_metrics;

int main(int argc, char** argv) {
  const std::int64_t n = argc > 1 ? std::atoll(argv[1]) : 6000;
  const std::int64_t d = argc > 2 ? std::atoll(argv[2]) : 32;
  const std::int64_t k = argc > 3 ? std::atoll(argv[3]) : 10;
  auto comm = em::make_mpi_communicator();
  em::resources res("cpu", 1);
  res.set_communicator(comm);
  std::mt19937_64 gen(7);
  std::normal_distribution<double> z(0.0, 1.0);
  std::vector<double> centre(static_cast<std::size_t>(k * d));
  for (double& c : centre) c = 4.0 * z(gen);
  em::host_matrix x(n, d);
  std::vector<std::int64_t> labels(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    const auto c = static_cast<std::int64_t>(gen() % static_cast<std::uint64_t>(k));
    labels[static_cast<std::size_t>(i)] = c;
    for (std::int64_t j = 0; j < d; ++j)
      x.data()[i * d + j] = static_cast<float>(centre[static_cast<std::size_t>(c * d + j)] + z(gen));
  }
  const int p = comm->size();
  const int r = comm->rank();
  const std::int64_t first = n * r / p;
  const std::int64_t count = n * (r + 1) / p - first;
  const em::matrix_view mine = x.view().row_block(first, count);
  const std::vector<std::int64_t> my_labels(labels.begin() + first, labels.begin() + first + count);
  // A second view (the rows moved a little) and groups of 8 consecutive rows.
  em::host_matrix view2(count, d);
  for (std::int64_t e = 0; e < count * d; ++e) view2.data()[e] = mine.data[e] + static_cast<float>(0.3 * z(gen));
  std::vector<std::int64_t> my_groups(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) my_groups[static_cast<std::size_t>(i)] = (first + i) / 8;
  em::kmeans_params kp;
  kp.k = k;
  const std::vector<std::pair<std::string, std::function<void()>>> jobs = {
      {"agreement (table)", [&] { (void)em::distributed::agreement(res, my_labels, my_labels); }},
      {"gaussian_entropy (d x d)", [&] { (void)em::distributed::gaussian_entropy(res, mine); }},
      {"effective_rank (d x d)", [&] { (void)em::distributed::effective_rank(res, mine); }},
      {"kmeans (k-means++ + Lloyd)", [&] { (void)em::distributed::kmeans(res, mine, kp); }},
      {"silhouette (ring)", [&] { (void)em::distributed::silhouette(res, mine, my_labels); }},
      {"knn_entropy k=3 (ring)", [&] { (void)em::distributed::knn_entropy(res, mine); }},
      {"spectrum: alpha-ReQ, NESum (d x d)", [&] { (void)em::distributed::spectrum_metrics(res, mine); }},
      {"davies_bouldin (k x d sums)", [&] { (void)em::distributed::davies_bouldin(res, mine, my_labels); }},
      {"calinski_harabasz (k x d sums)", [&] { (void)em::distributed::calinski_harabasz(res, mine, my_labels); }},
      {"collapse_sd (d sums)", [&] { (void)em::distributed::collapse_std(res, mine); }},
      {"alignment (1 sum)", [&] { (void)em::distributed::alignment(res, mine, view2.view()); }},
      {"lidar (g x d sums, d x d)", [&] { (void)em::distributed::lidar(res, mine, my_groups); }},
      {"uniformity (ring)", [&] { (void)em::distributed::uniformity(res, mine); }},
      {"knn_accuracy k=20 (ring)", [&] { (void)em::distributed::knn_accuracy(res, mine, my_labels, 20); }},
  };
  if (r == 0) std::printf("| metric | ranks | n | d | k | seconds (slowest rank) | bytes sent (most by one rank) |\n|---|---|---|---|---|---|---|\n");
  for (const auto& [name, job] : jobs) {
    std::int64_t sync = 0;
    comm->all_reduce_sum(&sync, 1);
    const std::uint64_t b0 = comm->bytes_sent();
    const auto t0 = std::chrono::steady_clock::now();
    job();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double bytes = static_cast<double>(comm->bytes_sent() - b0);
    comm->all_reduce_max(&secs, 1);
    comm->all_reduce_max(&bytes, 1);
    if (r == 0)
      std::printf("| %s | %d | %lld | %lld | %lld | %.3f | %.0f |\n", name.c_str(), p, static_cast<long long>(n),
                  static_cast<long long>(d), static_cast<long long>(k), secs, bytes);
  }
  return 0;
}
