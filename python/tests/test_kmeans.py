"""KMeans: scikit-learn's interface; results checked against NumPy float64
and against scikit-learn's KMeans from the same starting centres."""

import numpy as np
import pytest
from sklearn.cluster import KMeans as SkKMeans
from sklearn.metrics import adjusted_rand_score

import embed_metrics as em
from conftest import blobs


def test_fit_sets_the_fitted_attributes_consistently_with_numpy():
    x, _ = blobs(n=300, d=8, k=4, spread=2.0)
    km = em.KMeans(n_clusters=4, random_state=0).fit(x)
    assert km.labels_.shape == (300,) and km.labels_.dtype == np.int64
    assert km.cluster_centers_.shape == (4, 8)
    assert km.n_iter_ >= 1 and km.n_features_in_ == 8
    x64 = x.astype(np.float64)
    d2 = ((x64[:, None, :] - km.cluster_centers_.astype(np.float64)[None]) ** 2).sum(-1)
    np.testing.assert_array_equal(km.labels_, d2.argmin(1))
    assert km.inertia_ == pytest.approx(d2.min(1).sum(), rel=1e-5)
    # Lloyd's fixed point: each centre is the mean of its points.
    for c in range(4):
        np.testing.assert_allclose(km.cluster_centers_[c], x64[km.labels_ == c].mean(0), atol=1e-4)


def test_finds_the_blobs_like_sklearn():
    x, y = blobs(n=400, d=10, k=5, spread=0.5)
    ours = em.KMeans(5, n_init=4, random_state=1).fit(x)
    theirs = SkKMeans(5, n_init=4, random_state=1).fit(x.astype(np.float64))
    assert adjusted_rand_score(y, ours.labels_) == pytest.approx(1.0)
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=1e-4)


def test_given_centres_run_the_same_lloyd_iterations_as_sklearn():
    x, _ = blobs(n=300, d=6, k=4, spread=3.0)
    init = x[[0, 10, 20, 30]].astype(np.float64)
    ours = em.KMeans(4, init=init, max_iter=100, tol=1e-4).fit(x)
    theirs = SkKMeans(4, init=init, n_init=1, max_iter=100, tol=1e-4, algorithm="lloyd").fit(x.astype(np.float64))
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_, atol=1e-4)
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=1e-5)


def test_predict_and_fit_predict():
    x, _ = blobs(n=200, k=3)
    km = em.KMeans(3, random_state=2)
    labels = km.fit_predict(x)
    np.testing.assert_array_equal(km.predict(x), labels)
    np.testing.assert_array_equal(km.predict(x[:7].astype(np.float64)), labels[:7])


def test_same_seed_same_labels():
    x, _ = blobs(n=200, k=3, spread=4.0)
    a = em.KMeans(3, random_state=7, init="random").fit(x)
    b = em.KMeans(3, random_state=7, init="random").fit(x)
    np.testing.assert_array_equal(a.labels_, b.labels_)


def test_bad_arguments_raise_value_error():
    x, _ = blobs(n=20)
    with pytest.raises(ValueError, match="k"):
        em.KMeans(50, random_state=0).fit(x)
    with pytest.raises(ValueError, match="init"):
        em.KMeans(3, init="furthest", random_state=0).fit(x)
    with pytest.raises(ValueError, match="fit"):
        em.KMeans(3).predict(x)
