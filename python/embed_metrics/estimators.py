"""Exact kNN, the kNN classifier accuracy, and the entropy and spectrum
estimators of the embedding distribution."""

from __future__ import annotations

import numpy as np

from ._inputs import as_labels, prepare
from .errors import InvalidArgumentError

__all__ = ["kneighbors", "knn_accuracy", "knn_entropy", "histogram_entropy", "gaussian_entropy",
           "effective_rank", "singular_values"]


def _bits(unit: str) -> bool:
    if unit not in ("nats", "bits"):
        raise InvalidArgumentError(f"unit = {unit!r}: use 'nats' or 'bits'")
    return unit == "bits"


def kneighbors(X, n_neighbors=5, *, metric="euclidean", return_distance=True, device=None, threads=None,
               copy=True):
    """The n_neighbors nearest other rows of every row, nearest first, each
    row excluded from its own list (as NearestNeighbors().fit(X).kneighbors()
    with no query). Returns (distances float32, indices int64), each
    (n, n_neighbors), or the indices alone when return_distance is False.
    metric: "euclidean" or "cosine"."""
    x, res = prepare(X, device=device, threads=threads, copy=copy)
    dist, ind = res.knn(x, int(n_neighbors), metric)
    return (dist, ind) if return_distance else ind


def knn_accuracy(X, labels, *, n_neighbors=20, metric="euclidean", device=None, threads=None, copy=True) -> float:
    """Leave-one-out kNN classifier accuracy of labels on X."""
    x, res = prepare(X, device=device, threads=threads, copy=copy)
    return res.knn_accuracy(x, as_labels(labels, x.shape[0]), int(n_neighbors), metric)


def knn_entropy(X, k=3, *, unit="nats", device=None, threads=None, copy=True) -> float:
    """Kozachenko-Leonenko estimate of the differential entropy (k-th neighbour)."""
    x, res = prepare(X, device=device, threads=threads, copy=copy)
    return res.knn_entropy(x, int(k), _bits(unit))["entropy"]


def histogram_entropy(X, bins=64, *, miller_madow=False, unit="nats", differential=False, device=None,
                      threads=None, copy=True) -> float:
    """Mean over dimensions of the discrete entropy of each dimension's
    histogram (bins equal-width bins over [min, max], or bins="fd" for the
    Freedman-Diaconis rule). differential=True gives the mean differential
    estimate instead (the discrete entropy plus log bin width; NaN when every
    dimension is constant)."""
    if isinstance(bins, str):
        if bins != "fd":
            raise InvalidArgumentError(f"bins = {bins!r}: use a positive count or 'fd'")
        nbins = 0
    else:
        nbins = int(bins)
        if nbins < 1:
            raise InvalidArgumentError(f"bins = {bins}: use a positive count or 'fd'")
    x, res = prepare(X, device=device, threads=threads, copy=copy)
    r = res.histogram_entropy(x, nbins, bool(miller_madow), _bits(unit))
    if differential:
        return float("nan") if r["differential_entropy"] is None else r["differential_entropy"]
    return r["entropy"]


def gaussian_entropy(X, *, unit="nats", device=None, threads=None, copy=True) -> float:
    """0.5 log det(2 pi e Sigma) of the sample covariance (ddof = 1)."""
    x, res = prepare(X, device=device, threads=threads, copy=copy)
    return res.gaussian_entropy(x, _bits(unit))["entropy"]


def effective_rank(X, *, device=None, threads=None, copy=True) -> float:
    """RankMe: exp of the entropy of the normalised singular values of X (uncentred)."""
    x, res = prepare(X, device=device, threads=threads, copy=copy)
    return res.effective_rank(x)[0]


def singular_values(X, *, device=None, threads=None, copy=True) -> np.ndarray:
    """The min(n, d) singular values of X, largest first (float64)."""
    x, res = prepare(X, device=device, threads=threads, copy=copy)
    return res.effective_rank(x)[1]
