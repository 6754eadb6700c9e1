"""The scikit-learn-named scores equal scikit-learn's (float64) on the same
inputs, to the tolerances of the C++ tests."""

import numpy as np
import pytest
from sklearn import metrics as skm

import embed_metrics as em
from conftest import blobs


@pytest.mark.parametrize("metric", ["euclidean", "cosine", "sqeuclidean"])
def test_silhouette_score_and_samples_match_sklearn(metric):
    x, y = blobs(n=400, d=16, k=5, spread=3.0)
    x64 = x.astype(np.float64)
    assert em.silhouette_score(x, y, metric=metric) == pytest.approx(skm.silhouette_score(x64, y, metric=metric),
                                                                     abs=1e-5)
    np.testing.assert_allclose(em.silhouette_samples(x, y, metric=metric),
                               skm.silhouette_samples(x64, y, metric=metric), atol=1e-5)


def test_silhouette_samples_is_float64_of_n():
    x, y = blobs(n=50)
    s = em.silhouette_samples(x, y)
    assert s.dtype == np.float64 and s.shape == (50,)


def test_silhouette_with_string_labels_matches_integer_labels():
    x, y = blobs(n=120, k=3, spread=4.0)
    names = np.array(["cat", "dog", "emu"])[y]
    assert em.silhouette_score(x, names) == pytest.approx(skm.silhouette_score(x.astype(np.float64), names), abs=1e-5)


def test_sampled_silhouette_is_the_exact_one_of_the_whole_set_when_the_sample_is_everything():
    x, y = blobs(n=100, spread=3.0)
    assert em.silhouette_score(x, y, sample_size=100, random_state=1) == pytest.approx(
        skm.silhouette_score(x.astype(np.float64), y), abs=1e-5)


def _labelings():
    rng = np.random.default_rng(3)
    a = rng.integers(0, 6, size=500)
    b = np.where(rng.random(500) < 0.6, a, rng.integers(0, 8, size=500))
    return a, b


@pytest.mark.parametrize("average", ["arithmetic", "geometric", "min", "max"])
def test_ami_and_nmi_match_sklearn_for_every_average(average):
    a, b = _labelings()
    assert em.adjusted_mutual_info_score(a, b, average_method=average) == pytest.approx(
        skm.adjusted_mutual_info_score(a, b, average_method=average), abs=1e-10)
    assert em.normalized_mutual_info_score(a, b, average_method=average) == pytest.approx(
        skm.normalized_mutual_info_score(a, b, average_method=average), abs=1e-10)


def test_pair_and_entropy_scores_match_sklearn():
    a, b = _labelings()
    assert em.adjusted_rand_score(a, b) == pytest.approx(skm.adjusted_rand_score(a, b), abs=1e-12)
    assert em.mutual_info_score(a, b) == pytest.approx(skm.mutual_info_score(a, b), abs=1e-12)
    assert em.fowlkes_mallows_score(a, b) == pytest.approx(skm.fowlkes_mallows_score(a, b), abs=1e-12)
    np.testing.assert_allclose(em.homogeneity_completeness_v_measure(a, b, beta=2.0),
                               skm.homogeneity_completeness_v_measure(a, b, beta=2.0), atol=1e-12)
    assert em.homogeneity_score(a, b) == pytest.approx(skm.homogeneity_score(a, b), abs=1e-12)
    assert em.completeness_score(a, b) == pytest.approx(skm.completeness_score(a, b), abs=1e-12)
    assert em.v_measure_score(a, b) == pytest.approx(skm.v_measure_score(a, b), abs=1e-12)


def test_agreement_accepts_any_label_values_as_sklearn():
    a, b = _labelings()
    a_names = np.array(list("abcdef"))[a]
    b_float = b.astype(np.float64) * 0.5 - 7
    assert em.adjusted_rand_score(a_names, b_float) == pytest.approx(skm.adjusted_rand_score(a, b), abs=1e-12)
    assert em.adjusted_rand_score(list(a), list(b)) == pytest.approx(skm.adjusted_rand_score(a, b), abs=1e-12)


def test_agreement_dict_has_purity_and_matched_accuracy():
    a = np.array([0, 0, 1, 1, 2, 2])
    b = np.array([1, 1, 0, 0, 0, 2])
    s = em.agreement(a, b)
    assert s["purity"] == pytest.approx(5 / 6)  # clusters of b: {0,0}->2, {1,1,2}->2, {2}->1
    assert s["accuracy"] == pytest.approx(5 / 6)
    assert s["ari"] == pytest.approx(skm.adjusted_rand_score(a, b), abs=1e-12)


def test_davies_bouldin_and_calinski_harabasz_are_not_offered_yet():
    assert not hasattr(em, "davies_bouldin_score")
    assert not hasattr(em, "calinski_harabasz_score")
