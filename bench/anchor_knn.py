#!/usr/bin/python3
"""Anchor for bench_knn: what a user would run instead on the CPU.

scikit-learn's brute-force NearestNeighbors (k + 1 neighbours, self dropped)
and the Kozachenko-Leonenko entropy on top, on a W1-shaped mixture (10,000 x
512, 10 components, centers N(0, I), noise sigma 1.5, float32). Prints one
JSON line per workload with the best of --repeats wall times. Use NumPy with
OpenBLAS (Debian: libopenblas0-pthread) and the same thread count as the C++
benchmark (OMP_NUM_THREADS / OPENBLAS_NUM_THREADS).
"""
import argparse
import json
import os
import time

import numpy as np
from scipy.special import digamma, gammaln
from sklearn.neighbors import NearestNeighbors

WORKLOADS = {"W0": (2000, 64, 10), "W1": (10000, 512, 10)}


def mixture(n, d, k, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((k, d)).astype(np.float32)
    labels = rng.integers(0, k, n)
    return (centers[labels] + 1.5 * rng.standard_normal((n, d)).astype(np.float32)).astype(np.float32)


def knn_entropy(x, k):
    nn = NearestNeighbors(n_neighbors=k + 1, algorithm="brute").fit(x)
    dist, _ = nn.kneighbors(x)
    eps = dist[:, k].astype(np.float64)
    n, d = x.shape
    return digamma(n) - digamma(k) + 0.5 * d * np.log(np.pi) - gammaln(0.5 * d + 1) + d * np.mean(np.log(eps))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workloads", default="W0,W1")
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    for name in args.workloads.split(","):
        n, d, comps = WORKLOADS[name]
        x = mixture(n, d, comps)
        best = float("inf")
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            h = knn_entropy(x, args.k)
            best = min(best, time.perf_counter() - t0)
        print(json.dumps({"anchor": "sklearn_bruteforce_knn_entropy", "workload": name, "n": n, "d": d,
                          "k": args.k, "seconds": best, "entropy": float(h),
                          "threads": os.environ.get("OMP_NUM_THREADS", "all")}))


if __name__ == "__main__":
    main()
