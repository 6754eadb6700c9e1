"""kNN, entropy and spectrum against scikit-learn, SciPy and NumPy (float64)."""

import math

import numpy as np
import pytest
from scipy.special import digamma, gammaln
from sklearn.neighbors import NearestNeighbors

import embed_metrics as em
from conftest import blobs


def test_kneighbors_excludes_self_and_matches_sklearn():
    x, _ = blobs(n=250, d=7, spread=3.0)
    dist, ind = em.kneighbors(x, n_neighbors=5)
    ref_d, ref_i = NearestNeighbors(n_neighbors=6).fit(x.astype(np.float64)).kneighbors()
    assert ind.shape == (250, 5) and ind.dtype == np.int64
    assert not (ind == np.arange(250)[:, None]).any()
    np.testing.assert_array_equal(ind, ref_i[:, :5] if ref_i.shape[1] == 5 else ref_i[:, :5])
    np.testing.assert_allclose(dist, ref_d[:, :5], rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(em.kneighbors(x, 5, return_distance=False), ind)


def test_kneighbors_cosine_matches_sklearn():
    x, _ = blobs(n=150, d=9, spread=3.0)
    dist, ind = em.kneighbors(x, n_neighbors=4, metric="cosine")
    ref_d, ref_i = NearestNeighbors(n_neighbors=4, metric="cosine", algorithm="brute").fit(
        x.astype(np.float64)).kneighbors()
    np.testing.assert_array_equal(ind, ref_i)
    np.testing.assert_allclose(dist, ref_d, atol=1e-5)


def test_knn_accuracy_is_the_leave_one_out_vote():
    x, y = blobs(n=200, k=3, spread=5.0)
    _, ind = NearestNeighbors(n_neighbors=6).fit(x.astype(np.float64)).kneighbors()
    hits = 0
    for i, row in enumerate(y[ind]):
        counts = np.bincount(row, minlength=3)
        tied = set(np.flatnonzero(counts == counts.max()))
        vote = next(c for c in row if c in tied)  # a tie goes to the tied class met nearest
        hits += vote == y[i]
    assert em.knn_accuracy(x, y, n_neighbors=6) == pytest.approx(hits / 200)


def test_knn_entropy_is_kozachenko_leonenko():
    x, _ = blobs(n=300, d=5, spread=2.0)
    k = 3
    dist, _ = NearestNeighbors(n_neighbors=k).fit(x.astype(np.float64)).kneighbors()
    n, d = x.shape
    log_vd = d / 2 * math.log(math.pi) - gammaln(d / 2 + 1)
    ref = digamma(n) - digamma(k) + log_vd + d / n * np.log(dist[:, k - 1]).sum()
    assert em.knn_entropy(x, k) == pytest.approx(ref, abs=1e-4)
    assert em.knn_entropy(x, k, unit="bits") == pytest.approx(ref / math.log(2), abs=1e-4)


def test_gaussian_entropy_is_half_log_det_of_the_covariance():
    x, _ = blobs(n=400, d=6)
    cov = np.cov(x.astype(np.float64), rowvar=False, ddof=1)
    ref = 0.5 * np.linalg.slogdet(2 * math.pi * math.e * cov)[1]
    assert em.gaussian_entropy(x) == pytest.approx(ref, abs=1e-6)


def test_effective_rank_and_singular_values_match_numpy_svd():
    x, _ = blobs(n=120, d=10)
    s = np.linalg.svd(x.astype(np.float64), compute_uv=False)
    np.testing.assert_allclose(em.singular_values(x), s, rtol=1e-5)
    p = s / s.sum() + 1e-7
    assert em.effective_rank(x) == pytest.approx(math.exp(-(p * np.log(p)).sum()), rel=1e-6)


def test_histogram_entropy_matches_numpy_histogram():
    x, _ = blobs(n=500, d=4)
    per_dim = []
    for j in range(4):
        counts, _ = np.histogram(x[:, j].astype(np.float64), bins=16)
        p = counts[counts > 0] / counts.sum()
        per_dim.append(-(p * np.log(p)).sum())
    assert em.histogram_entropy(x, bins=16) == pytest.approx(np.mean(per_dim), abs=1e-9)
    assert 0 < em.histogram_entropy(x, bins="fd") < math.log(500)
