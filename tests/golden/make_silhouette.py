#!/usr/bin/env python3
"""Golden values for the silhouette tests: scikit-learn's silhouette_samples
and silhouette_score in float64 on float32 data.

Writes tests/golden/silhouette.json: a list of cases, each with its inputs
(x as float32 values, labels) and, for each metric, the per-sample values,
the score and the per-cluster means (in increasing label order).

    /usr/bin/python3 tests/golden/make_silhouette.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn.metrics import silhouette_samples, silhouette_score

METRICS = ["euclidean", "cosine", "sqeuclidean"]


def blobs(rng, sizes, d, spread, sigma=1.0):
    centers = rng.normal(size=(len(sizes), d)) * spread
    x = np.concatenate([centers[c] + sigma * rng.normal(size=(s, d)) for c, s in enumerate(sizes)])
    y = np.concatenate([np.full(s, c, dtype=np.int64) for c, s in enumerate(sizes)])
    perm = rng.permutation(len(y))
    return x[perm].astype(np.float32), y[perm]


def cases():
    rng = np.random.default_rng(20261128)
    out = []

    x, y = blobs(rng, [40, 30, 30, 20], 5, 3.0)
    out.append(("blobs", x, y))

    # Exact duplicates: a cluster of two identical points, and duplicated
    # points (with a large offset, so norms are big) inside bigger clusters.
    x, y = blobs(rng, [25, 20, 2], 6, 2.0)
    x += np.float32(30.0)
    two = np.where(y == 2)[0]
    x[two[1]] = x[two[0]]
    for c in (0, 1):
        idx = np.where(y == c)[0]
        x[idx[1]] = x[idx[0]]
        x[idx[3]] = x[idx[2]]
        x[idx[4]] = x[idx[2]]
    out.append(("duplicates", x, y))

    # Clusters of one and two points beside larger ones, any int64 label values.
    x, y = blobs(rng, [1, 2, 15, 1, 2, 12], 3, 2.5)
    values = np.array([-7, 3, 10**12, 42, -(2**40), 0], dtype=np.int64)
    out.append(("singletons_and_pairs", x, values[y]))

    x, y = blobs(rng, [20, 15, 10], 1, 2.0)
    out.append(("d1", x, y))

    x, y = blobs(rng, [300, 3, 2, 1, 40], 4, 2.0, sigma=1.5)
    out.append(("unequal_sizes", x, y))

    # More points than one 256-row tile, so clusters straddle tile borders.
    x, y = blobs(rng, [150, 260, 90, 200, 37], 6, 1.0, sigma=1.5)
    out.append(("multi_tile", x, y))

    # Many small clusters (sizes 1 to 5) spread over several tiles.
    sizes = list(rng.integers(1, 6, size=180))
    x, y = blobs(rng, sizes, 5, 1.5)
    out.append(("many_clusters", x, y))
    return out


def main():
    records = []
    for name, x, y in cases():
        xd = x.astype(np.float64)
        rec = {"name": name, "x": [[float(v) for v in row] for row in x], "labels": [int(v) for v in y],
               "expected": {}}
        values = np.unique(y)
        for metric in METRICS:
            s = silhouette_samples(xd, y, metric=metric)
            score = float(silhouette_score(xd, y, metric=metric))
            rec["expected"][metric] = {
                "samples": [float(v) for v in s],
                "score": score,
                "cluster_labels": [int(v) for v in values],
                "cluster_means": [float(np.mean(s[y == v])) for v in values],
            }
        records.append(rec)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "silhouette.json")
    with open(path, "w") as f:
        json.dump({"generator": "make_silhouette.py", "sklearn": sklearn.__version__,
                   "cases": records}, f, separators=(",", ":"))
    print(path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
