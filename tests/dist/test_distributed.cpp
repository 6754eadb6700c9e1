// The distributed metrics, run under mpirun with 1, 2 and 3 ranks (CTest
// dist_np1/2/3). Every rank makes the same data and takes an unequal block
// of it; the results over the ranks must be bit-identical to the same code
// on one rank (the whole data, the single-process communicator) and agree
// with the ordinary single-process functions: the agreement scores exactly,
// the Gram scores within 1e-12 relative, the k-means labels identically on
// well-separated data, the silhouette within 1e-7 and the kNN entropy within
// 1e-6 (the single-process silhouette and kNN measure distances in float32
// tiles; the distributed ones in double). The report's other metrics: the
// spectrum (alpha-ReQ, NESum, eigenvalues), collapse std, alignment, LiDAR,
// Davies-Bouldin and Calinski-Harabasz within 1e-12 (all in double on both
// sides), uniformity within 1e-6 (one process measures its pairs in float32
// GEMM tiles with a float exponential), the kNN accuracy identical.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstdlib>
#include <random>

#include "embed_metrics/agreement.hpp"
#include "embed_metrics/communicator.hpp"
#include "embed_metrics/distributed.hpp"
#include "embed_metrics/entropy.hpp"
#include "embed_metrics/kmeans.hpp"
#include "embed_metrics/knn.hpp"
#include "embed_metrics/silhouette.hpp"

namespace em = embed_metrics;

namespace {

std::shared_ptr<em::communicator> g_comm;

struct dataset {
  em::host_matrix x;
  std::vector<std::int64_t> truth;
};

// Gaussian blobs: n rows, d dims, k centres far apart (labels unambiguous).
dataset blobs(std::int64_t n, std::int64_t d, std::int64_t k, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> z(0.0, 1.0);
  std::vector<double> centre(static_cast<std::size_t>(k * d));
  for (double& c : centre) c = 12.0 * z(gen);
  dataset ds{em::host_matrix(n, d), {}};
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t c = static_cast<std::int64_t>(gen() % static_cast<std::uint64_t>(k));
    ds.truth.push_back(c * 7 - 3);  // label values neither dense nor from 0
    for (std::int64_t j = 0; j < d; ++j)
      ds.x.data()[i * d + j] = static_cast<float>(centre[static_cast<std::size_t>(c * d + j)] + z(gen));
  }
  return ds;
}

// This rank's rows: unequal blocks (rank r gets a share growing with r).
std::pair<std::int64_t, std::int64_t> block_of(std::int64_t n, int rank, int size) {
  std::int64_t weights = 0;
  for (int r = 0; r < size; ++r) weights += r + 1;
  std::int64_t first = 0;
  for (int r = 0; r < rank; ++r) first += n * (r + 1) / weights;
  const std::int64_t count = rank == size - 1 ? n - first : n * (rank + 1) / weights;
  return {first, count};
}

struct split {
  em::matrix_view x;
  std::vector<std::int64_t> truth;
  std::int64_t first = 0;
};

split local_part(const dataset& ds) {
  const auto [first, count] = block_of(ds.x.rows(), g_comm->rank(), g_comm->size());
  split s;
  s.x = ds.x.view().row_block(first, count);
  s.truth.assign(ds.truth.begin() + first, ds.truth.begin() + first + count);
  s.first = first;
  return s;
}

em::resources dist_res() {
  em::resources res("cpu", 1);
  res.set_communicator(g_comm);
  return res;
}

em::resources one_rank_res() {
  em::resources res("cpu", 1);
  res.set_communicator(em::make_single_process_communicator());
  return res;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

std::vector<std::int64_t> all_labels(const std::vector<std::int64_t>& mine, std::int64_t n) {
  // Every rank's labels in row order, for the comparison (test only).
  std::vector<std::int64_t> all(static_cast<std::size_t>(n), 0);
  const auto [first, count] = block_of(n, g_comm->rank(), g_comm->size());
  for (std::int64_t i = 0; i < count; ++i) all[static_cast<std::size_t>(first + i)] = mine[static_cast<std::size_t>(i)];
  g_comm->all_reduce_sum(all.data(), all.size());
  return all;
}

TEST(Distributed, AgreementEqualsOneProcess) {
  const dataset ds = blobs(601, 5, 4, 1);
  const split s = local_part(ds);
  std::vector<std::int64_t> other;
  for (std::int64_t i = 0; i < ds.x.rows(); ++i) other.push_back((ds.truth[static_cast<std::size_t>(i)] + i % 3) % 5);
  const std::vector<std::int64_t> mine_other(other.begin() + s.first, other.begin() + s.first + s.x.rows);
  const auto d = em::distributed::agreement(dist_res(), s.truth, mine_other);
  const auto one = em::agreement(em::resources("cpu", 1), ds.truth, other);
  EXPECT_EQ(d.n, 601);
  EXPECT_EQ(d.clusters_a, one.clusters_a);
  EXPECT_TRUE(same_bits(d.ari, one.ari)) << d.ari << " vs " << one.ari;
  EXPECT_TRUE(same_bits(d.ami, one.ami)) << d.ami << " vs " << one.ami;
  EXPECT_TRUE(same_bits(d.nmi, one.nmi));
  EXPECT_TRUE(same_bits(d.fowlkes_mallows, one.fowlkes_mallows));
  EXPECT_TRUE(same_bits(d.accuracy, one.accuracy));
}

TEST(Distributed, GramMetricsBitIdenticalAndWithin1e12) {
  const dataset ds = blobs(733, 9, 3, 2);
  const split s = local_part(ds);
  const auto g = em::distributed::gaussian_entropy(dist_res(), s.x);
  const auto g1 = em::distributed::gaussian_entropy(one_rank_res(), ds.x.view());
  const auto gs = em::gaussian_entropy(em::resources("cpu", 1), ds.x.view());
  EXPECT_TRUE(same_bits(g.entropy, g1.entropy)) << g.entropy << " vs " << g1.entropy;
  EXPECT_NEAR(g.entropy, gs.entropy, 1e-12 * std::fabs(gs.entropy));
  const auto e = em::distributed::effective_rank(dist_res(), s.x);
  const auto e1 = em::distributed::effective_rank(one_rank_res(), ds.x.view());
  const auto es = em::effective_rank(em::resources("cpu", 1), ds.x.view());
  EXPECT_TRUE(same_bits(e.effective_rank, e1.effective_rank));
  EXPECT_NEAR(e.effective_rank, es.effective_rank, 1e-12 * es.effective_rank);
}

TEST(Distributed, KmeansLabelsIdenticalAtAnyRankCount) {
  const dataset ds = blobs(900, 6, 5, 3);
  const split s = local_part(ds);
  em::kmeans_params p;
  p.k = 5;
  p.seed = 11;
  const auto d = em::distributed::kmeans(dist_res(), s.x, p);
  const auto d1 = em::distributed::kmeans(one_rank_res(), ds.x.view(), p);
  const auto sp = em::kmeans(em::resources("cpu", 1), ds.x.view(), p);
  const auto labels = all_labels(d.labels, ds.x.rows());
  EXPECT_EQ(labels, d1.labels);
  EXPECT_TRUE(same_bits(d.inertia, d1.inertia)) << d.inertia << " vs " << d1.inertia;
  EXPECT_EQ(0, std::memcmp(d.centers.data(), d1.centers.data(), sizeof(float) * 30));
  // Against the ordinary k-means: the same partition (numbered alike: the
  // same k-means++ draws) and the inertia within rounding.
  EXPECT_EQ(labels, sp.labels);
  EXPECT_NEAR(d.inertia, sp.inertia, 1e-6 * sp.inertia);
}

TEST(Distributed, SilhouetteBitIdenticalAndNearOneProcess) {
  const dataset ds = blobs(500, 4, 3, 4);
  const split s = local_part(ds);
  for (const auto m : {em::silhouette_metric::euclidean, em::silhouette_metric::sqeuclidean,
                       em::silhouette_metric::cosine}) {
    em::silhouette_params sp;
    sp.metric = m;
    const auto d = em::distributed::silhouette(dist_res(), s.x, s.truth, sp);
    const auto d1 = em::distributed::silhouette(one_rank_res(), ds.x.view(), ds.truth, sp);
    const auto one = em::silhouette(em::resources("cpu", 1), ds.x.view(), ds.truth, sp);
    EXPECT_TRUE(same_bits(d.score, d1.score)) << d.score << " vs " << d1.score;
    EXPECT_NEAR(d.score, one.score, 1e-7 * std::fabs(one.score)) << em::to_string(m);
    ASSERT_EQ(d.clusters.size(), one.clusters.size());
    for (std::size_t c = 0; c < one.clusters.size(); ++c) {
      EXPECT_EQ(d.clusters[c].label, one.clusters[c].label);
      EXPECT_EQ(d.clusters[c].size, one.clusters[c].size);
      EXPECT_NEAR(d.clusters[c].mean, one.clusters[c].mean, 1e-7);
    }
    for (std::int64_t i = 0; i < s.x.rows; ++i)
      EXPECT_NEAR(d.samples[static_cast<std::size_t>(i)], one.samples[static_cast<std::size_t>(s.first + i)], 1e-6);
    for (std::int64_t i = 0; i < s.x.rows; ++i)
      EXPECT_TRUE(same_bits(d.samples[static_cast<std::size_t>(i)], d1.samples[static_cast<std::size_t>(s.first + i)]));
  }
}

TEST(Distributed, KnnEntropyBitIdenticalAndNearOneProcess) {
  const dataset ds = blobs(400, 3, 2, 5);
  const split s = local_part(ds);
  for (const std::int64_t k : {1, 3, 7}) {
    em::knn_entropy_params p;
    p.k = k;
    const auto d = em::distributed::knn_entropy(dist_res(), s.x, p);
    const auto d1 = em::distributed::knn_entropy(one_rank_res(), ds.x.view(), p);
    const auto one = em::knn_entropy(em::resources("cpu", 1), ds.x.view(), p);
    EXPECT_TRUE(same_bits(d.entropy, d1.entropy)) << d.entropy << " vs " << d1.entropy;
    EXPECT_NEAR(d.entropy, one.entropy, 1e-6 * std::fabs(one.entropy)) << "k = " << k;
  }
}

double rel(double a, double b) { return std::fabs(a - b) / std::max(std::fabs(b), 1e-300); }

TEST(Distributed, SpectrumMetricsBitIdenticalAndWithin1e12) {
  const dataset ds = blobs(733, 9, 3, 7);
  const split s = local_part(ds);
  const auto d = em::distributed::spectrum_metrics(dist_res(), s.x);
  const auto d1 = em::distributed::spectrum_metrics(one_rank_res(), ds.x.view());
  const auto one = em::spectrum_metrics(em::resources("cpu", 1), ds.x.view());
  EXPECT_TRUE(same_bits(d.alpha_req, d1.alpha_req));
  EXPECT_TRUE(same_bits(d.nesum, d1.nesum));
  EXPECT_LE(rel(d.alpha_req, one.alpha_req), 1e-12) << d.alpha_req << " vs " << one.alpha_req;
  EXPECT_LE(rel(d.nesum, one.nesum), 1e-12) << d.nesum << " vs " << one.nesum;
  EXPECT_EQ(d.alpha_req_last, one.alpha_req_last);
  ASSERT_EQ(d.spectrum.size(), one.spectrum.size());
  for (std::size_t i = 0; i < one.spectrum.size(); ++i) {
    EXPECT_TRUE(same_bits(d.spectrum[i], d1.spectrum[i]));
    EXPECT_LE(std::fabs(d.spectrum[i] - one.spectrum[i]), 1e-12 * one.spectrum.front()) << i;
  }
}

TEST(Distributed, SpectrumMetricsFewerRowsThanDimensions) {
  // n < d: one process takes the eigenvalues of the n x n Gram, the ranks
  // those of the d x d covariance; the n - 1 non-zero ones agree.
  const dataset ds = blobs(29, 40, 3, 15);
  const split s = local_part(ds);
  const auto d = em::distributed::spectrum_metrics(dist_res(), s.x);
  const auto d1 = em::distributed::spectrum_metrics(one_rank_res(), ds.x.view());
  const auto one = em::spectrum_metrics(em::resources("cpu", 1), ds.x.view());
  EXPECT_TRUE(same_bits(d.nesum, d1.nesum));
  ASSERT_EQ(d.spectrum.size(), 28u);
  ASSERT_EQ(one.spectrum.size(), 28u);
  for (std::size_t i = 0; i < one.spectrum.size(); ++i)
    EXPECT_LE(std::fabs(d.spectrum[i] - one.spectrum[i]), 1e-12 * one.spectrum.front()) << i;
  EXPECT_EQ(d.alpha_req_last, one.alpha_req_last);
  EXPECT_LE(rel(d.alpha_req, one.alpha_req), 1e-12) << d.alpha_req << " vs " << one.alpha_req;
  EXPECT_LE(rel(d.nesum, one.nesum), 1e-12) << d.nesum << " vs " << one.nesum;
}

TEST(Distributed, CollapseAndAlignmentBitIdenticalAndWithin1e12) {
  const dataset ds = blobs(517, 6, 4, 8);
  const dataset noise = blobs(517, 6, 1, 9);  // a second view: the rows moved a little
  em::host_matrix other(ds.x.rows(), ds.x.cols());
  for (std::int64_t e = 0; e < ds.x.rows() * ds.x.cols(); ++e)
    other.data()[e] = ds.x.data()[e] + 0.3f * noise.x.data()[e];
  const split s = local_part(ds);
  const em::matrix_view b = other.view().row_block(s.first, s.x.rows);
  const auto c = em::distributed::collapse_std(dist_res(), s.x);
  const auto c1 = em::distributed::collapse_std(one_rank_res(), ds.x.view());
  const auto cs = em::collapse_std(em::resources("cpu", 1), ds.x.view());
  EXPECT_TRUE(same_bits(c.collapse_std, c1.collapse_std));
  EXPECT_LE(rel(c.collapse_std, cs.collapse_std), 1e-12) << c.collapse_std << " vs " << cs.collapse_std;
  const auto a = em::distributed::alignment(dist_res(), s.x, b);
  const auto a1 = em::distributed::alignment(one_rank_res(), ds.x.view(), other.view());
  const auto as = em::alignment(em::resources("cpu", 1), ds.x.view(), other.view());
  EXPECT_EQ(a.n, 517);
  EXPECT_TRUE(same_bits(a.alignment, a1.alignment));
  EXPECT_LE(rel(a.alignment, as.alignment), 1e-12) << a.alignment << " vs " << as.alignment;
  em::alignment_params ap;
  ap.alpha = 1.5;
  EXPECT_LE(rel(em::distributed::alignment(dist_res(), s.x, b, ap).alignment,
                em::alignment(em::resources("cpu", 1), ds.x.view(), other.view(), ap).alignment),
            1e-12);
}

TEST(Distributed, LidarWithMoreGroupsThanOneChunkHoldsWithin1e12) {
  // 40,000 groups of 2 views in d = 4, with chunks of 2^16 values (16,384
  // groups): the sums travel in three chunks; groups interleaved so that
  // most span two ranks.
  const std::int64_t g = 40000, d = 4, n = 2 * g;
  std::mt19937_64 gen(77);
  std::normal_distribution<double> z(0.0, 1.0);
  dataset ds{em::host_matrix(n, d), {}};
  std::vector<double> centre(static_cast<std::size_t>(g * d));
  for (double& c : centre) c = 3.0 * z(gen);
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t a = (i * 7919) % g;  // every id twice, spread over the rows
    ds.truth.push_back(a * 5 + 11);
    for (std::int64_t j = 0; j < d; ++j)
      ds.x.data()[i * d + j] = static_cast<float>(centre[static_cast<std::size_t>(a * d + j)] + 0.3 * z(gen));
  }
  const split s = local_part(ds);
  setenv("EMBED_METRICS_LIDAR_CHUNK_VALUES", "65536", 1);
  const auto r = em::distributed::lidar(dist_res(), s.x, s.truth);
  const auto r1 = em::distributed::lidar(one_rank_res(), ds.x.view(), ds.truth);
  unsetenv("EMBED_METRICS_LIDAR_CHUNK_VALUES");
  const auto whole = em::distributed::lidar(dist_res(), s.x, s.truth);  // one chunk
  const auto one = em::lidar(em::resources("cpu", 1), ds.x.view(), ds.truth);
  EXPECT_EQ(r.groups, g);
  EXPECT_LE(rel(whole.lidar, one.lidar), 1e-12) << whole.lidar << " vs " << one.lidar;
  EXPECT_TRUE(same_bits(r.lidar, r1.lidar));
  EXPECT_LE(rel(r.lidar, one.lidar), 1e-12) << r.lidar << " vs " << one.lidar;
}

TEST(Distributed, LidarGroupsSpanningRanksWithin1e12) {
  // 40 groups (the blob of each row) interleaved over the rows, so that every
  // group has rows on every rank; ids neither dense nor from 0.
  const dataset ds = blobs(640, 5, 40, 10);
  const split s = local_part(ds);
  const auto d = em::distributed::lidar(dist_res(), s.x, s.truth);
  const auto d1 = em::distributed::lidar(one_rank_res(), ds.x.view(), ds.truth);
  const auto one = em::lidar(em::resources("cpu", 1), ds.x.view(), ds.truth);
  EXPECT_EQ(d.groups, one.groups);
  EXPECT_TRUE(same_bits(d.lidar, d1.lidar));
  EXPECT_LE(rel(d.lidar, one.lidar), 1e-12) << d.lidar << " vs " << one.lidar;
  ASSERT_EQ(d.eigenvalues.size(), one.eigenvalues.size());
  for (std::size_t i = 0; i < one.eigenvalues.size(); ++i)
    EXPECT_LE(std::fabs(d.eigenvalues[i] - one.eigenvalues[i]), 1e-12 * one.eigenvalues.front()) << i;
}

TEST(Distributed, ClusterScoresBitIdenticalAndWithin1e12) {
  const dataset ds = blobs(611, 4, 5, 11);
  const split s = local_part(ds);
  // The true blobs and a worse labelling (some rows moved to another label).
  std::vector<std::int64_t> worse(ds.truth);
  for (std::size_t i = 0; i < worse.size(); i += 3) worse[i] = ds.truth[(i * 7) % worse.size()];
  for (const std::vector<std::int64_t>* labels : {&ds.truth, static_cast<const std::vector<std::int64_t>*>(&worse)}) {
    const std::vector<std::int64_t> mine(labels->begin() + s.first, labels->begin() + s.first + s.x.rows);
    const auto db = em::distributed::davies_bouldin(dist_res(), s.x, mine);
    const auto db1 = em::distributed::davies_bouldin(one_rank_res(), ds.x.view(), *labels);
    const auto dbs = em::davies_bouldin(em::resources("cpu", 1), ds.x.view(), *labels);
    EXPECT_EQ(db.clusters, dbs.clusters);
    EXPECT_TRUE(same_bits(db.score, db1.score));
    EXPECT_LE(rel(db.score, dbs.score), 1e-12) << db.score << " vs " << dbs.score;
    const auto ch = em::distributed::calinski_harabasz(dist_res(), s.x, mine);
    const auto ch1 = em::distributed::calinski_harabasz(one_rank_res(), ds.x.view(), *labels);
    const auto chs = em::calinski_harabasz(em::resources("cpu", 1), ds.x.view(), *labels);
    EXPECT_TRUE(same_bits(ch.score, ch1.score));
    EXPECT_LE(rel(ch.score, chs.score), 1e-12) << ch.score << " vs " << chs.score;
  }
}

TEST(Distributed, UniformityBitIdenticalAndWithin1e6) {
  const dataset ds = blobs(523, 7, 6, 12);
  const split s = local_part(ds);
  for (const double t : {2.0, 0.5}) {
    em::uniformity_params p;
    p.t = t;
    const auto d = em::distributed::uniformity(dist_res(), s.x, p);
    const auto d1 = em::distributed::uniformity(one_rank_res(), ds.x.view(), p);
    const auto one = em::uniformity(em::resources("cpu", 1), ds.x.view(), p);
    EXPECT_EQ(d.pairs, one.pairs);
    EXPECT_TRUE(same_bits(d.uniformity, d1.uniformity)) << d.uniformity << " vs " << d1.uniformity;
    EXPECT_LE(rel(d.uniformity, one.uniformity), 1e-6) << d.uniformity << " vs " << one.uniformity;
  }
}

TEST(Distributed, KnnAccuracyIdenticalToOneProcess) {
  // Overlapping blobs and labels that disagree with them for a third of the
  // rows, so that the votes are not unanimous and the accuracy is not 1.
  const dataset ds = blobs(430, 3, 4, 13);
  std::vector<std::int64_t> labels(ds.truth);
  for (std::size_t i = 0; i < labels.size(); i += 3) labels[i] = static_cast<std::int64_t>(i % 4) * 7 - 3;
  const split s = local_part(ds);
  const std::vector<std::int64_t> mine(labels.begin() + s.first, labels.begin() + s.first + s.x.rows);
  for (const std::int64_t k : {1, 5, 20}) {
    const double d = em::distributed::knn_accuracy(dist_res(), s.x, mine, k);
    const double d1 = em::distributed::knn_accuracy(one_rank_res(), ds.x.view(), labels, k);
    const double one = em::knn_accuracy(em::resources("cpu", 1), ds.x.view(), labels, k);
    EXPECT_TRUE(same_bits(d, d1));
    EXPECT_EQ(d, one) << "k = " << k;
    EXPECT_LT(one, 0.95);
  }
}

TEST(Distributed, StartedExchangesDeliverWhileOthersAreInFlight) {
  // Two non-blocking ring exchanges in flight at once, in opposite
  // directions, completed in the reverse order of their start.
  const int p = g_comm->size();
  const int r = g_comm->rank();
  const int next = (r + 1) % p;
  const int prev = (r + p - 1) % p;
  std::vector<std::int64_t> out_a(1000 + static_cast<std::size_t>(r), r);
  std::vector<std::int64_t> out_b(7, 100 + r);
  std::vector<std::int64_t> in_a(1000 + static_cast<std::size_t>(prev), -1);
  std::vector<std::int64_t> in_b(7, -1);
  auto a = g_comm->start_send_recv(out_a.data(), out_a.size() * 8, next, in_a.data(), in_a.size() * 8, prev);
  auto b = g_comm->start_send_recv(out_b.data(), out_b.size() * 8, prev, in_b.data(), in_b.size() * 8, next);
  b->wait();
  a->wait();
  a->wait();  // a second wait is a no-op
  for (const std::int64_t v : in_a) EXPECT_EQ(v, prev);
  for (const std::int64_t v : in_b) EXPECT_EQ(v, 100 + next);
}

// The ring with its exchanges overlapped (the default) and with each one
// waited at once: the same bits and the same bytes.
TEST(Distributed, RingOverlapChangesNeitherResultsNorBytes) {
  const dataset ds = blobs(455, 5, 3, 14);
  const split s = local_part(ds);
  auto run_all = [&] {
    const std::uint64_t b0 = g_comm->bytes_sent();
    std::vector<double> v;
    v.push_back(em::distributed::silhouette(dist_res(), s.x, s.truth).score);
    v.push_back(em::distributed::knn_entropy(dist_res(), s.x).entropy);
    v.push_back(em::distributed::knn_accuracy(dist_res(), s.x, s.truth, 7));
    v.push_back(em::distributed::uniformity(dist_res(), s.x).uniformity);
    v.push_back(static_cast<double>(g_comm->bytes_sent() - b0));
    return v;
  };
  const std::vector<double> overlapped = run_all();
  ASSERT_EQ(setenv("EMBED_METRICS_RING_BLOCKING", "1", 1), 0);
  const std::vector<double> blocking = run_all();
  ASSERT_EQ(unsetenv("EMBED_METRICS_RING_BLOCKING"), 0);
  ASSERT_EQ(overlapped.size(), blocking.size());
  for (std::size_t i = 0; i < overlapped.size(); ++i)
    EXPECT_TRUE(same_bits(overlapped[i], blocking[i])) << i << ": " << overlapped[i] << " vs " << blocking[i];
  if (g_comm->size() > 1) {
    EXPECT_GT(overlapped.back(), 0.0);
  }
}

TEST(Distributed, EmptyBlockOnOneRank) {
  // A rank holding no rows takes part in every exchange.
  const dataset ds = blobs(60, 3, 2, 6);
  const bool last = g_comm->rank() == g_comm->size() - 1;
  const std::int64_t n = ds.x.rows();
  const auto [first, count] = g_comm->size() == 1 ? std::pair<std::int64_t, std::int64_t>{0, n}
                              : last ? std::pair<std::int64_t, std::int64_t>{n, 0}
                                     : block_of(n, g_comm->rank(), g_comm->size() - 1);
  const em::matrix_view x = ds.x.view().row_block(first, count);
  const std::vector<std::int64_t> t(ds.truth.begin() + first, ds.truth.begin() + first + count);
  const auto d = em::distributed::silhouette(dist_res(), x, t);
  const auto d1 = em::distributed::silhouette(one_rank_res(), ds.x.view(), ds.truth);
  EXPECT_TRUE(same_bits(d.score, d1.score));
  em::knn_entropy_params kp;
  const auto ke = em::distributed::knn_entropy(dist_res(), x, kp);
  const auto k1 = em::distributed::knn_entropy(one_rank_res(), ds.x.view(), kp);
  EXPECT_TRUE(same_bits(ke.entropy, k1.entropy));
  EXPECT_TRUE(same_bits(em::distributed::uniformity(dist_res(), x).uniformity,
                        em::distributed::uniformity(one_rank_res(), ds.x.view()).uniformity));
  EXPECT_TRUE(same_bits(em::distributed::knn_accuracy(dist_res(), x, t, 5),
                        em::distributed::knn_accuracy(one_rank_res(), ds.x.view(), ds.truth, 5)));
  EXPECT_TRUE(same_bits(em::distributed::spectrum_metrics(dist_res(), x).nesum,
                        em::distributed::spectrum_metrics(one_rank_res(), ds.x.view()).nesum));
  EXPECT_TRUE(same_bits(em::distributed::davies_bouldin(dist_res(), x, t).score,
                        em::distributed::davies_bouldin(one_rank_res(), ds.x.view(), ds.truth).score));
  EXPECT_TRUE(same_bits(em::distributed::lidar(dist_res(), x, t).lidar,
                        em::distributed::lidar(one_rank_res(), ds.x.view(), ds.truth).lidar));
}

TEST(Distributed, ABadRowOnOneRankStopsEveryRank) {
  // Only the last rank holds the bad row (a zero row, then a NaN): every
  // rank must throw, that one with its own message, instead of the others
  // waiting in the next collective (the test would hang).
  const bool last = g_comm->rank() == g_comm->size() - 1;
  const std::string own = g_comm->size() == 1 || last ? "" : "another rank's input failed";
  auto expect_failure = [&](const auto& call, const std::string& mine) {
    try {
      call();
      ADD_FAILURE() << "no error on rank " << g_comm->rank();
    } catch (const em::invalid_argument& e) {
      const std::string want = own.empty() ? mine : own;
      EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
    }
  };
  dataset ds = blobs(90, 4, 3, 8);
  split s = local_part(ds);
  em::host_matrix bad(s.x.rows, s.x.cols);
  std::copy(s.x.data, s.x.data + s.x.rows * s.x.cols, bad.data());
  if (last) std::fill(bad.data(), bad.data() + s.x.cols, 0.0f);  // its first row: zeros
  expect_failure([&] { (void)em::distributed::uniformity(dist_res(), bad.view()); }, "all zeros");
  expect_failure([&] { (void)em::distributed::collapse_std(dist_res(), bad.view()); }, "all zeros");
  expect_failure([&] { (void)em::distributed::alignment(dist_res(), bad.view(), s.x); }, "all zeros");
  if (last) bad.data()[0] = std::nanf("");
  expect_failure([&] { (void)em::distributed::silhouette(dist_res(), bad.view(), s.truth); }, "non-finite");
  expect_failure([&] { (void)em::distributed::gaussian_entropy(dist_res(), bad.view()); }, "non-finite");
  // Still in step: a collective after the failures completes on every rank.
  EXPECT_EQ(em::distributed::uniformity(dist_res(), s.x).pairs, 90 * 89 / 2);
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  g_comm = em::make_mpi_communicator();
  const int rc = RUN_ALL_TESTS();
  std::int64_t failed = rc != 0 ? 1 : 0;
  g_comm->all_reduce_sum(&failed, 1);
  g_comm.reset();
  return failed != 0 ? 1 : 0;
}
