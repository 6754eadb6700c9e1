#!/usr/bin/env python3
"""Golden values for tests/cpu/test_robust_numerics.cpp, in float64 with
scikit-learn, SciPy and NumPy.

The data are four overlapping blobs whose float32 values lie on a grid of
2^-6, so that the test can shift them by large offsets (multiples of the
grid, up to 1e5) and scale them by powers of two without any rounding: the
shifted and scaled matrices hold exactly the same points, and every
translation-invariant metric must give the same answer on them. The values
here are those of the unshifted data; the test derives the expected values
of the shifted and scaled copies (distances and centres scale by s and move
by the shift, inertia scales by s^2, the kNN entropy moves by d log s).

Writes tests/golden/robust_numerics.json. Run: python3 tests/golden/make_robust_numerics.py
"""
import json
import os

import numpy as np
import sklearn
from scipy.special import digamma, gammaln
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

HERE = os.path.dirname(os.path.abspath(__file__))
GRID = 64.0  # values are multiples of 1 / GRID


def rows(a):
    return [[float(v) for v in r] for r in a]


def make_data(rng, n, d, k):
    centres = rng.normal(0.0, 3.0, size=(k, d))
    labels = np.arange(n) % k
    x = centres[labels] + rng.normal(0.0, 1.0, size=(n, d))
    x = np.round(x * GRID) / GRID
    return x.astype(np.float32), labels


def brute_knn(x, k):
    """k nearest other rows (euclidean), ties by smaller index."""
    diff = x[:, None, :] - x[None, :, :]
    dist = np.sqrt((diff * diff).sum(-1))
    np.fill_diagonal(dist, np.inf)
    idx = np.argsort(dist, axis=1, kind="stable")[:, :k]
    return idx, np.take_along_axis(dist, idx, axis=1)


def knn_accuracy(idx, labels):
    """Leave-one-out vote: the first label (from the nearest) with the most votes."""
    correct = 0
    for i, row in enumerate(idx):
        votes = [int((labels[row] == labels[c]).sum()) for c in row]
        best = labels[row[int(np.argmax(votes))]]  # argmax: first maximum
        correct += int(best == labels[i])
    return correct / len(idx)


def kl_entropy(x, k):
    n, d = x.shape
    _, dist = brute_knn(x, k)
    eps = dist[:, k - 1]
    log_vd = 0.5 * d * np.log(np.pi) - gammaln(0.5 * d + 1.0)
    return float(digamma(n) - digamma(k) + log_vd + d * np.mean(np.log(eps)))


def simplified_silhouette(x, labels):
    ks = np.unique(labels)
    cent = np.stack([x[labels == c].mean(axis=0) for c in ks])
    dist = np.sqrt(((x[:, None, :] - cent[None, :, :]) ** 2).sum(-1))
    own = np.searchsorted(ks, labels)
    a = dist[np.arange(len(x)), own]
    dist[np.arange(len(x)), own] = np.inf
    b = dist.min(axis=1)
    return float(np.mean((b - a) / np.maximum(a, b)))


def main():
    rng = np.random.default_rng(2026)
    n, d, k = 240, 6, 4
    x32, labels = make_data(rng, n, d, k)
    x = x32.astype(np.float64)

    init_rows = rng.choice(n, size=k, replace=False)
    km = KMeans(n_clusters=k, init=x[init_rows], n_init=1, max_iter=300, tol=1e-4,
                algorithm="lloyd").fit(x)

    knn_k = 5
    idx, dist = brute_knn(x, knn_k)
    acc_k = 10
    acc_idx, _ = brute_knn(x, acc_k)

    # Cosine is not translation invariant: its value on the data shifted by
    # this (exactly representable) offset differs from the unshifted one.
    cos_shift = np.array([3.0, -2.0, 5.0, 1.0, -4.0, 2.0])
    shifted = (x32 + cos_shift.astype(np.float32)).astype(np.float64)

    # One far outlier (row 0 moved 1e6 away in every column): it drags the
    # column means 4e3 from the other points, which must keep their accuracy.
    xo32 = x32.copy()
    xo32[0] += np.float32(1e6)
    xo = xo32.astype(np.float64)
    out_idx, out_dist = brute_knn(xo, knn_k)

    out = {
        "generator": "tests/golden/make_robust_numerics.py, scikit-learn " + sklearn.__version__,
        "grid": GRID,
        "x": rows(x32),
        "labels": [int(v) for v in labels],
        "kmeans_given": {
            "k": k,
            "init_rows": [int(i) for i in init_rows],
            "labels": [int(v) for v in km.labels_],
            "inertia": float(km.inertia_),
            "centers": rows(km.cluster_centers_),
        },
        "silhouette": {
            "euclidean": float(silhouette_score(x, labels, metric="euclidean")),
            "sqeuclidean": float(silhouette_score(x, labels, metric="sqeuclidean")),
            "cosine": float(silhouette_score(x, labels, metric="cosine")),
            "simplified_euclidean": simplified_silhouette(x, labels),
            "cosine_shift": [float(v) for v in cos_shift],
            "cosine_shifted": float(silhouette_score(shifted, labels, metric="cosine")),
        },
        "knn": {"k": knn_k, "indices": idx.tolist(), "distances": dist.tolist()},
        "knn_accuracy": {"k": acc_k, "accuracy": knn_accuracy(acc_idx, labels)},
        "knn_entropy": {"k": 3, "entropy": kl_entropy(x, 3)},
        "outlier": {
            "shift": 1e6,
            "silhouette": float(silhouette_score(xo, labels, metric="euclidean")),
            "knn_indices": out_idx.tolist(),
            "knn_distances": out_dist.tolist(),
        },
    }
    path = os.path.join(HERE, "robust_numerics.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
    print("wrote", path)


if __name__ == "__main__":
    main()
