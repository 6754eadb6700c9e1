"""The label-free metrics of issue 18 in evaluate(): alignment with views=,
LiDAR with groups=, against NumPy/SciPy in float64; without them, None with a
reason."""

import numpy as np
import scipy.linalg

import embed_metrics as em


def _views(seed=7, images=50, q=4, d=10):
    rng = np.random.default_rng(seed)
    base = np.repeat(rng.normal(size=(images, d)) * 3.0, q, axis=0)
    a = (base + 0.5 * rng.normal(size=base.shape)).astype(np.float32)
    b = (base + 0.5 * rng.normal(size=base.shape)).astype(np.float32)
    return a, b, np.repeat(np.arange(images), q)


def _unit(x):
    x = x.astype(np.float64)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _lidar(x, groups, delta=1e-4, eps=1e-7):
    x = x.astype(np.float64)
    ids = np.unique(groups)
    means = np.stack([x[groups == g].mean(0) for g in ids])
    cb = means - means.mean(0)
    resid = x - means[np.searchsorted(ids, groups)]
    lam = scipy.linalg.eigh(cb.T @ cb / len(ids), resid.T @ resid / len(x) + delta * np.eye(x.shape[1]),
                            eigvals_only=True)
    p = np.maximum(lam, 0) / np.maximum(lam, 0).sum() + eps
    return float(np.exp(-(p * np.log(p)).sum()))


def test_alignment_and_lidar_from_views_and_groups():
    a, b, g = _views()
    r = em.evaluate(a, k=5, views=b, groups=g)
    want = np.mean(np.sum((_unit(a) - _unit(b)) ** 2, axis=1))
    assert abs(r.alignment - want) <= 1e-6 * want
    assert abs(r.lidar - _lidar(a, g)) <= 1e-6 * _lidar(a, g)
    assert r.uniformity is not None and r.davies_bouldin is not None


def test_without_views_or_groups_they_are_none_with_a_reason():
    a, _, _ = _views()
    r = em.evaluate(a, k=5)
    assert r.alignment is None and "--views" in r.alignment_reason
    assert r.lidar is None and r.lidar_reason
    one = em.evaluate(a, k=5, groups=np.zeros(len(a), dtype=np.int64))
    assert one.lidar is None and "at least 2" in one.lidar_reason
    assert one.silhouette is not None
