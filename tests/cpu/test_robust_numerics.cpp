// Numerics that do not depend on where the data sit or on their scale: every
// translation-invariant metric (k-means with given and k-means++ seeding and
// predict, exact / sampled / simplified silhouette, kNN, kNN accuracy, kNN
// entropy, pairwise squared distances) gives the answer of the unshifted
// data on data shifted far from the origin, and data scaled by powers of two
// (down to subnormals) or by 1e+-20, 1e+-25 give the same partitions and
// scores, scaled as the metric says, or a clear error. Golden values:
// tests/golden/make_robust_numerics.py (scikit-learn, SciPy, NumPy in
// float64), on data whose values lie on a grid of 2^-6, so that the shifts
// and power-of-two scales below are exact.
#include <cfloat>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/test_util.hpp"
#include "embed_metrics/distance.hpp"
#include "embed_metrics/entropy.hpp"
#include "embed_metrics/error.hpp"
#include "embed_metrics/kmeans.hpp"
#include "embed_metrics/knn.hpp"
#include "embed_metrics/silhouette.hpp"

namespace em = embed_metrics;

namespace {

const nlohmann::json& golden() {
  static const nlohmann::json g = em_test::load_golden("robust_numerics.json");
  return g;
}

em::host_matrix golden_x() { return em_test::matrix_from_json(golden()["x"]); }

std::vector<std::int64_t> golden_labels() { return golden()["labels"].get<std::vector<std::int64_t>>(); }

/// x + shift (one offset per column), checked to be exact: the copy holds the
/// same points, only elsewhere.
em::host_matrix shifted(const em::host_matrix& x, const std::vector<double>& shift) {
  em::host_matrix out(x.rows(), x.cols());
  for (std::int64_t i = 0; i < x.rows(); ++i)
    for (std::int64_t j = 0; j < x.cols(); ++j) {
      const double c = shift[static_cast<std::size_t>(j)];
      out(i, j) = static_cast<float>(static_cast<double>(x(i, j)) + c);
      EXPECT_EQ(static_cast<double>(out(i, j)) - c, static_cast<double>(x(i, j)))
          << "the test shift is not exact at (" << i << ", " << j << ")";
    }
  return out;
}

/// x * s rounded to float (exact for a power of two within range).
em::host_matrix scaled(const em::host_matrix& x, double s) {
  em::host_matrix out(x.rows(), x.cols());
  for (std::int64_t i = 0; i < x.rows(); ++i)
    for (std::int64_t j = 0; j < x.cols(); ++j)
      out(i, j) = static_cast<float>(static_cast<double>(x(i, j)) * s);
  return out;
}

/// Shifts of several magnitudes, the same for every column and different per column.
std::vector<std::vector<double>> shifts(std::int64_t d) {
  std::vector<std::vector<double>> out;
  for (const double c : {1e3, -1e4, 1e5}) out.emplace_back(static_cast<std::size_t>(d), c);
  const std::vector<double> mixed = {1e4, -3e4, 5e4, -1e5, 7e3, 2e5};
  out.emplace_back(mixed.begin(), mixed.begin() + d);
  return out;
}

/// Powers of two from the subnormal range (values ~1e-40) to ~1e27.
const std::vector<int> kPowers = {-135, -100, -60, 60, 90};
/// Factors that are not powers of two: every value is rounded once.
const std::vector<double> kFactors = {1e20, 1e-20, 1e25, 1e-25};

/// True when the two labelings are the same partition (equal up to renaming).
bool same_partition(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
  if (a.size() != b.size()) return false;
  std::map<std::int64_t, std::int64_t> ab, ba;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ab.emplace(a[i], b[i]).first->second != b[i]) return false;
    if (ba.emplace(b[i], a[i]).first->second != a[i]) return false;
  }
  return true;
}

std::size_t distinct(const std::vector<std::int64_t>& v) {
  return std::set<std::int64_t>(v.begin(), v.end()).size();
}

void expect_rel(double got, double want, double rel, const std::string& what) {
  EXPECT_NEAR(got, want, rel * std::abs(want)) << what;
}

em::kmeans_params given_params(const em::host_matrix& x, em::host_matrix& init) {
  const auto& g = golden()["kmeans_given"];
  const auto rows = g["init_rows"].get<std::vector<std::int64_t>>();
  init = em::host_matrix(static_cast<std::int64_t>(rows.size()), x.cols());
  for (std::size_t c = 0; c < rows.size(); ++c)
    for (std::int64_t j = 0; j < x.cols(); ++j) init(static_cast<std::int64_t>(c), j) = x(rows[c], j);
  em::kmeans_params p;
  p.k = g["k"].get<std::int64_t>();
  p.init = em::kmeans_init::given;
  p.initial_centers = init.view();
  return p;
}

em::kmeans_result kmeans_given(const em::host_matrix& x) {
  em::resources res("cpu", 2);
  em::host_matrix init;
  const em::kmeans_params p = given_params(x, init);
  return em::kmeans(res, x.view(), p);
}

em::kmeans_result kmeans_pp(const em::host_matrix& x, std::uint64_t seed) {
  em::resources res("cpu", 2);
  em::kmeans_params p;
  p.k = 4;
  p.seed = seed;
  return em::kmeans(res, x.view(), p);
}

double sil(const em::host_matrix& x, em::silhouette_metric m) {
  em::resources res("cpu", 2);
  const auto labels = golden_labels();
  return em::silhouette(res, x.view(), labels, {m, false}).score;
}

em::knn_result knn_of(const em::host_matrix& x, em::knn_metric m = em::knn_metric::euclidean) {
  em::resources res("cpu", 2);
  return em::knn(res, x.view(), golden()["knn"]["k"].get<std::int64_t>(), m);
}

/// Neighbours equal to the float64 golden ones; distances = golden * scale.
void expect_golden_knn(const em::knn_result& r, double scale, const std::string& what) {
  const auto& g = golden()["knn"];
  ASSERT_EQ(r.n, static_cast<std::int64_t>(g["indices"].size())) << what;
  for (std::int64_t i = 0; i < r.n; ++i)
    for (std::int64_t j = 0; j < r.k; ++j) {
      ASSERT_EQ(r.index(i, j), g["indices"][i][j].get<std::int64_t>())
          << what << ": row " << i << " rank " << j;
      const double want = g["distances"][i][j].get<double>() * scale;
      ASSERT_NEAR(r.distance(i, j), want, 1e-6 * want) << what << ": row " << i << " rank " << j;
    }
}

}  // namespace

TEST(RobustNumerics, KmeansGivenInitMatchesScikitLearnWhereverTheDataSit) {
  const auto x = golden_x();
  const auto& g = golden()["kmeans_given"];
  const auto want_labels = g["labels"].get<std::vector<std::int64_t>>();
  const auto want_centers = em_test::matrix_from_json(g["centers"]);
  const double want_inertia = g["inertia"].get<double>();
  const auto base = kmeans_given(x);
  EXPECT_EQ(base.labels, want_labels);
  expect_rel(base.inertia, want_inertia, 1e-5, "inertia against scikit-learn");
  for (const auto& shift : shifts(x.cols())) {
    const auto r = kmeans_given(shifted(x, shift));
    const std::string what = "shift " + std::to_string(shift[3]);
    EXPECT_EQ(r.labels, want_labels) << what;
    EXPECT_TRUE(r.converged) << what;
    EXPECT_LT(r.n_iter, 300) << what;
    EXPECT_EQ(r.n_iter, base.n_iter) << what;
    expect_rel(r.inertia, base.inertia, 1e-6, what + ": inertia");
    // Centres in the caller's coordinates: the shifted ones, to float rounding there.
    for (std::int64_t c = 0; c < r.centers.rows(); ++c)
      for (std::int64_t j = 0; j < x.cols(); ++j) {
        const double s = shift[static_cast<std::size_t>(j)];
        const double ulp = std::ldexp(1.0, std::ilogb(std::abs(s) + 16.0) - 23);
        EXPECT_NEAR(r.centers(c, j), want_centers(c, j) + s, ulp + 1e-5) << what;
      }
  }
}

TEST(RobustNumerics, KmeansPlusPlusGivesTheSameLabelsOnShiftedData) {
  const auto x = golden_x();
  for (const std::uint64_t seed : {3u, 11u}) {
    const auto base = kmeans_pp(x, seed);
    EXPECT_TRUE(base.converged);
    for (const auto& shift : shifts(x.cols())) {
      const auto r = kmeans_pp(shifted(x, shift), seed);
      const std::string what = "seed " + std::to_string(seed) + " shift " + std::to_string(shift[3]);
      EXPECT_EQ(r.labels, base.labels) << what;
      EXPECT_TRUE(r.converged) << what;
      EXPECT_LT(r.n_iter, 300) << what;
      expect_rel(r.inertia, base.inertia, 1e-6, what);
    }
  }
}

TEST(RobustNumerics, KmeansConvergesOnDataFarFromTheOrigin) {
  // Unit-spread blobs 1e5 away from the origin: in float32 the expansion
  // ||x||^2 + ||c||^2 - 2 x.c there carries errors of ~1e3 in a distance of
  // ~1; centred, Lloyd converges as on the original data.
  const auto x = golden_x();
  const auto far = shifted(x, std::vector<double>(static_cast<std::size_t>(x.cols()), 1e5));
  em::resources res("cpu", 2);
  em::kmeans_params p;
  p.k = 4;
  p.n_init = 3;
  p.max_iter = 100;
  const auto near = em::kmeans(res, x.view(), p);
  const auto r = em::kmeans(res, far.view(), p);
  EXPECT_TRUE(r.converged);
  EXPECT_LT(r.n_iter, p.max_iter);
  EXPECT_EQ(r.labels, near.labels);
  EXPECT_EQ(distinct(r.labels), 4u);
}

TEST(RobustNumerics, KmeansPowerOfTwoScalesGiveIdenticalLabels) {
  const auto x = golden_x();
  const auto base_given = kmeans_given(x);
  const auto base_pp = kmeans_pp(x, 5);
  for (const int e : kPowers) {
    const double s = std::ldexp(1.0, e);
    const auto xs = scaled(x, s);
    const std::string what = "scale 2^" + std::to_string(e);
    const auto g = kmeans_given(xs);
    EXPECT_EQ(g.labels, base_given.labels) << what;
    EXPECT_TRUE(g.converged) << what;
    expect_rel(g.inertia, base_given.inertia * s * s, 1e-12, what + ": inertia");
    // Centres scale with the data (to float's granularity where it is subnormal).
    const double floor = std::ldexp(1.0, -149) / s;
    for (std::int64_t c = 0; c < g.centers.rows(); ++c)
      for (std::int64_t j = 0; j < x.cols(); ++j)
        EXPECT_NEAR(g.centers(c, j) / s, base_given.centers(c, j), 1e-6 + floor) << what;
    const auto pp = kmeans_pp(xs, 5);
    EXPECT_EQ(pp.labels, base_pp.labels) << what;
    expect_rel(pp.inertia, base_pp.inertia * s * s, 1e-12, what + ": k-means++ inertia");
  }
}

TEST(RobustNumerics, KmeansHugeAndTinyValuesKeepEveryCluster) {
  // Values ~1e25 square to ~1e50 (float32 overflow), ~1e-25 to ~1e-50
  // (underflow): without rescaling every distance is inf or 0 and every row
  // lands in one cluster.
  const auto x = golden_x();
  const auto base = kmeans_given(x);
  for (const double s : kFactors) {
    const auto r = kmeans_given(scaled(x, s));
    const std::string what = "scale " + std::to_string(s);
    EXPECT_TRUE(same_partition(r.labels, base.labels)) << what;
    EXPECT_EQ(distinct(r.labels), 4u) << what;
    EXPECT_TRUE(r.converged) << what;
    expect_rel(r.inertia / (s * s), base.inertia, 1e-6, what + ": inertia");
  }
}

TEST(RobustNumerics, KmeansPredictIgnoresShiftAndScale) {
  const auto x = golden_x();
  const auto fit = kmeans_given(x);
  em::resources res("cpu", 2);
  const auto want = em::kmeans_predict(res, x.view(), fit.centers.view());
  EXPECT_EQ(want, fit.labels);
  for (const auto& shift : shifts(x.cols())) {
    const auto xs = shifted(x, shift);
    em::host_matrix cs(fit.centers.rows(), x.cols());
    for (std::int64_t c = 0; c < cs.rows(); ++c)
      for (std::int64_t j = 0; j < x.cols(); ++j)
        cs(c, j) = static_cast<float>(fit.centers(c, j) + shift[static_cast<std::size_t>(j)]);
    EXPECT_EQ(em::kmeans_predict(res, xs.view(), cs.view()), want) << "shift " << shift[3];
  }
  for (const double s : {std::ldexp(1.0, -135), 1e-25, 1e25}) {
    const auto xs = scaled(x, s);
    const auto cs = scaled(fit.centers, s);
    EXPECT_EQ(em::kmeans_predict(res, xs.view(), cs.view()), want) << "scale " << s;
  }
}

TEST(RobustNumerics, KmeansCosineIsScaleInvariant) {
  const auto x = golden_x();
  em::resources res("cpu", 2);
  em::kmeans_params p;
  p.k = 4;
  p.seed = 9;
  p.metric = em::kmeans_metric::cosine;
  const auto base = em::kmeans(res, x.view(), p);
  EXPECT_TRUE(base.converged);
  for (const int e : kPowers) {
    const auto r = em::kmeans(res, scaled(x, std::ldexp(1.0, e)).view(), p);
    EXPECT_EQ(r.labels, base.labels) << "scale 2^" << e;
    EXPECT_EQ(r.inertia, base.inertia) << "scale 2^" << e;  // 1 - cos: no unit
  }
}

TEST(RobustNumerics, SilhouetteEuclideanMatchesScikitLearnWhereverTheDataSit) {
  const auto x = golden_x();
  const double want = golden()["silhouette"]["euclidean"].get<double>();
  const double base = sil(x, em::silhouette_metric::euclidean);
  expect_rel(base, want, 1e-5, "against scikit-learn");
  for (const auto& shift : shifts(x.cols()))
    expect_rel(sil(shifted(x, shift), em::silhouette_metric::euclidean), base, 1e-6,
               "shift " + std::to_string(shift[3]));
}

TEST(RobustNumerics, SilhouetteSqeuclideanMatchesScikitLearnWhereverTheDataSit) {
  const auto x = golden_x();
  const double want = golden()["silhouette"]["sqeuclidean"].get<double>();
  const double base = sil(x, em::silhouette_metric::sqeuclidean);
  expect_rel(base, want, 1e-5, "against scikit-learn");
  for (const auto& shift : shifts(x.cols()))
    expect_rel(sil(shifted(x, shift), em::silhouette_metric::sqeuclidean), base, 1e-6,
               "shift " + std::to_string(shift[3]));
}

TEST(RobustNumerics, SilhouetteOfHugeTinyAndSubnormalValuesIsTheSame) {
  // Without rescaling, values ~1e-25 give all distances 0 (silhouette 0)
  // and values ~1e25 give inf - inf.
  const auto x = golden_x();
  for (const auto m : {em::silhouette_metric::euclidean, em::silhouette_metric::sqeuclidean}) {
    const double base = sil(x, m);
    for (const int e : kPowers)
      EXPECT_EQ(sil(scaled(x, std::ldexp(1.0, e)), m), base)
          << em::to_string(m) << " scale 2^" << e;
    for (const double s : kFactors)
      expect_rel(sil(scaled(x, s), m), base, 1e-6,
                 std::string(em::to_string(m)) + " scale " + std::to_string(s));
  }
}

TEST(RobustNumerics, SilhouetteCosineIsNormalisedNotCentred) {
  const auto x = golden_x();
  const auto& g = golden()["silhouette"];
  const double base = sil(x, em::silhouette_metric::cosine);
  expect_rel(base, g["cosine"].get<double>(), 1e-5, "against scikit-learn");
  // Shifted data have other angles: scikit-learn's value on them, not base.
  const auto xs = shifted(x, g["cosine_shift"].get<std::vector<double>>());
  const double moved = sil(xs, em::silhouette_metric::cosine);
  expect_rel(moved, g["cosine_shifted"].get<double>(), 1e-5, "shifted, against scikit-learn");
  EXPECT_GT(std::abs(moved - base), 0.01);
  for (const int e : kPowers)
    EXPECT_EQ(sil(scaled(x, std::ldexp(1.0, e)), em::silhouette_metric::cosine), base) << "2^" << e;
  for (const double s : kFactors)
    expect_rel(sil(scaled(x, s), em::silhouette_metric::cosine), base, 1e-6,
               "scale " + std::to_string(s));
}

TEST(RobustNumerics, SilhouetteSampledIgnoresShiftAndScale) {
  const auto x = golden_x();
  const auto labels = golden_labels();
  em::resources res("cpu", 2);
  const auto base = em::silhouette_sampled(res, x.view(), labels, 100, 7);
  EXPECT_NE(base.score, 0.0);
  std::vector<em::host_matrix> copies;
  for (const auto& shift : shifts(x.cols())) copies.push_back(shifted(x, shift));
  for (const int e : kPowers) copies.push_back(scaled(x, std::ldexp(1.0, e)));
  for (const double s : kFactors) copies.push_back(scaled(x, s));
  for (std::size_t c = 0; c < copies.size(); ++c) {
    const auto r = em::silhouette_sampled(res, copies[c].view(), labels, 100, 7);
    EXPECT_EQ(r.sample_rows, base.sample_rows) << "copy " << c;
    expect_rel(r.score, base.score, 1e-6, "copy " + std::to_string(c));
  }
}

TEST(RobustNumerics, SilhouetteSimplifiedMatchesNumpyWhereverTheDataSit) {
  const auto x = golden_x();
  const auto labels = golden_labels();
  em::resources res("cpu", 2);
  const double base = em::silhouette_simplified(res, x.view(), labels).score;
  expect_rel(base, golden()["silhouette"]["simplified_euclidean"].get<double>(), 1e-5,
             "against NumPy");
  for (const auto& shift : shifts(x.cols()))
    expect_rel(em::silhouette_simplified(res, shifted(x, shift).view(), labels).score, base, 1e-6,
               "shift " + std::to_string(shift[3]));
  for (const int e : kPowers)
    EXPECT_EQ(em::silhouette_simplified(res, scaled(x, std::ldexp(1.0, e)).view(), labels).score,
              base)
        << "2^" << e;
  for (const double s : kFactors)
    expect_rel(em::silhouette_simplified(res, scaled(x, s).view(), labels).score, base, 1e-6,
               "scale " + std::to_string(s));
}

TEST(RobustNumerics, KnnNeighboursMatchNumpyWhereverTheDataSit) {
  const auto x = golden_x();
  expect_golden_knn(knn_of(x), 1.0, "unshifted");
  for (const auto& shift : shifts(x.cols()))
    expect_golden_knn(knn_of(shifted(x, shift)), 1.0, "shift " + std::to_string(shift[3]));
}

TEST(RobustNumerics, KnnDistancesScaleWithTheData) {
  const auto x = golden_x();
  for (const int e : {-100, -60, 60, 90}) {
    const double s = std::ldexp(1.0, e);
    expect_golden_knn(knn_of(scaled(x, s)), s, "scale 2^" + std::to_string(e));
  }
  for (const double s : kFactors) expect_golden_knn(knn_of(scaled(x, s)), s, "scale " + std::to_string(s));
}

TEST(RobustNumerics, KnnDistancesBelowFloatRangeAreAClearError) {
  // Data ~1e-40 (subnormal): float32 distances there keep only a few bits,
  // which would skew the kNN entropy; the search says so and how to fix it.
  const auto tiny = scaled(golden_x(), std::ldexp(1.0, -135));
  em::resources res("cpu", 2);
  try {
    (void)em::knn(res, tiny.view(), 5);
    ADD_FAILURE() << "knn on subnormal-scale data did not throw";
  } catch (const em::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("rescale x"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)em::knn_entropy(res, tiny.view(), em::knn_entropy_params{}), em::invalid_argument);
}

TEST(RobustNumerics, KnnAccuracyIsTheSameWhereverAndWhateverScale) {
  const auto x = golden_x();
  const auto labels = golden_labels();
  const auto k = golden()["knn_accuracy"]["k"].get<std::int64_t>();
  const double want = golden()["knn_accuracy"]["accuracy"].get<double>();
  em::resources res("cpu", 2);
  EXPECT_EQ(em::knn_accuracy(res, x.view(), labels, k), want);
  for (const auto& shift : shifts(x.cols()))
    EXPECT_EQ(em::knn_accuracy(res, shifted(x, shift).view(), labels, k), want) << shift[3];
  for (const int e : kPowers)  // subnormal data too: the vote needs no distances
    EXPECT_EQ(em::knn_accuracy(res, scaled(x, std::ldexp(1.0, e)).view(), labels, k), want) << e;
  for (const double s : kFactors)
    EXPECT_EQ(em::knn_accuracy(res, scaled(x, s).view(), labels, k), want) << s;
}

TEST(RobustNumerics, KnnEntropyMovesByDLogSAndNotWithShifts) {
  const auto x = golden_x();
  const double want = golden()["knn_entropy"]["entropy"].get<double>();
  em::resources res("cpu", 2);
  em::knn_entropy_params p;
  p.k = golden()["knn_entropy"]["k"].get<std::int64_t>();
  const double base = em::knn_entropy(res, x.view(), p).entropy;
  expect_rel(base, want, 1e-6, "against NumPy/SciPy");
  for (const auto& shift : shifts(x.cols()))
    expect_rel(em::knn_entropy(res, shifted(x, shift).view(), p).entropy, want, 1e-6,
               "shift " + std::to_string(shift[3]));
  const double d = static_cast<double>(x.cols());
  for (const int e : {-100, -60, 60, 90}) {
    const double s = std::ldexp(1.0, e);
    expect_rel(em::knn_entropy(res, scaled(x, s).view(), p).entropy, want + d * std::log(s), 1e-6,
               "scale 2^" + std::to_string(e));
  }
  for (const double s : kFactors)
    expect_rel(em::knn_entropy(res, scaled(x, s).view(), p).entropy, want + d * std::log(s), 1e-6,
               "scale " + std::to_string(s));
}

TEST(RobustNumerics, KnnCosineIsScaleInvariant) {
  const auto x = golden_x();
  const auto base = knn_of(x, em::knn_metric::cosine);
  for (const int e : {-100, -60, 60, 90}) {
    const auto r = knn_of(scaled(x, std::ldexp(1.0, e)), em::knn_metric::cosine);
    EXPECT_EQ(r.indices, base.indices) << "2^" << e;
    EXPECT_EQ(r.distances, base.distances) << "2^" << e;
  }
}

TEST(RobustNumerics, PairwiseSqeuclideanWhereverTheDataSit) {
  const auto x = golden_x();
  em::resources res("cpu", 2);
  const auto half = [&](const em::host_matrix& m) {
    return em::matrix_view(m.data() + 120 * m.cols(), 120, m.cols());
  };
  const auto base = em::pairwise_sqeuclidean(res, x.view(), half(x));
  // Float64 reference from the coordinates.
  for (std::int64_t i = 0; i < base.rows(); ++i)
    for (std::int64_t j = 0; j < base.cols(); ++j) {
      double want = 0.0;
      for (std::int64_t c = 0; c < x.cols(); ++c) {
        const double t = static_cast<double>(x(i, c)) - x(120 + j, c);
        want += t * t;
      }
      ASSERT_NEAR(base(i, j), want, 1e-5 * (want + 1.0)) << i << ", " << j;
    }
  for (const auto& shift : shifts(x.cols())) {
    const auto xs = shifted(x, shift);
    const auto r = em::pairwise_sqeuclidean(res, xs.view(), half(xs));
    for (std::int64_t i = 0; i < base.rows(); ++i)
      for (std::int64_t j = 0; j < base.cols(); ++j)
        ASSERT_NEAR(r(i, j), base(i, j), 1e-5 * (base(i, j) + 1.0)) << "shift " << shift[3];
  }
  for (const int e : {-60, 60}) {
    const double s = std::ldexp(1.0, e);
    const auto xs = scaled(x, s);
    const auto r = em::pairwise_sqeuclidean(res, xs.view(), half(xs));
    for (std::int64_t i = 0; i < base.rows(); ++i)
      for (std::int64_t j = 0; j < base.cols(); ++j)
        ASSERT_EQ(r(i, j), static_cast<float>(base(i, j) * s * s)) << "2^" << e;
  }
}

TEST(RobustNumerics, OneFarOutlierDoesNotCostTheOtherPointsTheirAccuracy) {
  // Row 0 moved 1e6 away: the column means move 4e3 away from the other
  // points, where float32 keeps only 2^-11; the origin of the prepared rows
  // must stay with the bulk of the points.
  const auto& g = golden()["outlier"];
  auto x = golden_x();
  for (std::int64_t j = 0; j < x.cols(); ++j)
    x(0, j) = static_cast<float>(x(0, j) + g["shift"].get<double>());
  const auto labels = golden_labels();
  em::resources res("cpu", 2);
  expect_rel(em::silhouette(res, x.view(), labels).score, g["silhouette"].get<double>(), 1e-6,
             "silhouette against scikit-learn");
  const auto r = em::knn(res, x.view(), golden()["knn"]["k"].get<std::int64_t>());
  for (std::int64_t i = 0; i < r.n; ++i)
    for (std::int64_t j = 0; j < r.k; ++j) {
      EXPECT_EQ(r.index(i, j), g["knn_indices"][i][j].get<std::int64_t>()) << i << ", " << j;
      const double want = g["knn_distances"][i][j].get<double>();
      EXPECT_NEAR(r.distance(i, j), want, 1e-6 * want) << i << ", " << j;
    }
  // k-means (given centres) gives the partition of the unshifted data on
  // every other row; the outlier is a cluster of its own or joins one.
  const auto base = kmeans_given(golden_x());
  const auto km = kmeans_given(x);
  EXPECT_TRUE(km.converged);
  std::vector<std::int64_t> a(base.labels.begin() + 1, base.labels.end());
  std::vector<std::int64_t> b(km.labels.begin() + 1, km.labels.end());
  EXPECT_TRUE(same_partition(a, b) || distinct(b) == 3u);
}
