#!/usr/bin/env python3
"""Golden values for the k-means tests, computed with scikit-learn in float64.

Writes tests/golden/kmeans.json with the inputs and the expected outputs:
  blobs:  small overlapping blobs (float32 values) and the inertia of
          scikit-learn's KMeans(n_init=1, init="k-means++") for several seeds
          (the test compares medians: the random streams differ);
  given:  the same data with given initial centres (init=array, n_init=1):
          Lloyd is deterministic from there, so labels, inertia, centres and
          iteration count are compared directly.
Run with the system python3: python3 tests/golden/make_kmeans.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs

HERE = os.path.dirname(os.path.abspath(__file__))


def as_rows(a):
    return [[float(v) for v in row] for row in a]


def main():
    x, _ = make_blobs(n_samples=400, n_features=8, centers=6, cluster_std=2.0,
                      center_box=(-6.0, 6.0), random_state=0)
    x32 = x.astype(np.float32)
    x64 = x32.astype(np.float64)  # the float32 values, computed in float64
    k = 6

    seeds = list(range(12))
    inertias = []
    for s in seeds:
        km = KMeans(n_clusters=k, init="k-means++", n_init=1, max_iter=300, tol=1e-4,
                    random_state=s, algorithm="lloyd").fit(x64)
        inertias.append(float(km.inertia_))

    rng = np.random.RandomState(1)
    init_rows = rng.choice(x64.shape[0], size=k, replace=False)
    init = x64[init_rows]
    km = KMeans(n_clusters=k, init=init, n_init=1, max_iter=300, tol=1e-4,
                algorithm="lloyd").fit(x64)

    # A second given-centres case that needs the tol rule: max_iter small.
    km2 = KMeans(n_clusters=k, init=init, n_init=1, max_iter=2, tol=1e-4,
                 algorithm="lloyd").fit(x64)

    out = {
        "generator": "tests/golden/make_kmeans.py, scikit-learn " + sklearn.__version__,
        "x": as_rows(x32),
        "k": k,
        "plusplus": {"seeds": seeds, "inertia": inertias,
                     "median_inertia": float(np.median(inertias))},
        "given": {
            "init_rows": [int(i) for i in init_rows],
            "labels": [int(v) for v in km.labels_],
            "inertia": float(km.inertia_),
            "n_iter": int(km.n_iter_),
            "centers": as_rows(km.cluster_centers_),
        },
        "given_max_iter_2": {
            "labels": [int(v) for v in km2.labels_],
            "inertia": float(km2.inertia_),
            "n_iter": int(km2.n_iter_),
        },
    }
    with open(os.path.join(HERE, "kmeans.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
