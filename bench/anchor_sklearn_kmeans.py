#!/usr/bin/env python3
"""Anchor for bench_kmeans on this machine's CPU: scikit-learn's KMeans at W1.

Times what a user would run instead of embed-metrics on a CPU, on a workload
drawn as bench/workloads.cpp draws W1 (centres N(0, I), noise sigma 1.5,
float32; NumPy's generator, so not the same numbers, the same distribution):
  - kmeans_plusplus: sklearn.cluster.kmeans_plusplus (greedy, 2 + ln k trials)
  - fit: KMeans(n_init=1, max_iter=10, algorithm="lloyd") (k-means++ then Lloyd)
  - lloyd_iteration: (fit with max_iter=6 - fit with max_iter=1) / 5 from the
    same given centres with tol=0, as bench_kmeans.cpp times its own.
Prints one JSON line per figure (median of --repeats runs), with the BLAS
and thread count in use. Run with the system python3 and OpenBLAS installed.
"""
import argparse
import json
import time

import numpy as np
import sklearn
from sklearn.cluster import KMeans, kmeans_plusplus
from threadpoolctl import threadpool_info

WORKLOADS = {"W0": (2000, 64, 10), "W1": (10000, 512, 10)}


def workload(name):
    n, d, k = WORKLOADS[name]
    rng = np.random.default_rng(0)
    centers = rng.standard_normal((k, d)).astype(np.float32)
    comp = rng.integers(0, k, size=n)
    x = centers[comp] + 1.5 * rng.standard_normal((n, d)).astype(np.float32)
    return x.astype(np.float32), k


def median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workloads", default="W1")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    blas = [f"{i['internal_api']} {i.get('version')} ({i['num_threads']} threads)" for i in threadpool_info()]
    for name in args.workloads.split(","):
        x, k = workload(name)
        n, d = x.shape
        init = x[:: n // k][:k]
        base = {"workload": name, "n": n, "d": d, "k": k, "sklearn": sklearn.__version__, "blas": blas}
        t = median_time(lambda: kmeans_plusplus(x, k, random_state=0), args.repeats)
        print(json.dumps({**base, "job": "kmeans_plusplus", "seconds": t}))
        t = median_time(lambda: KMeans(k, n_init=1, max_iter=10, algorithm="lloyd", random_state=0).fit(x),
                        args.repeats)
        print(json.dumps({**base, "job": "fit_max_iter_10", "seconds": t}))

        def fit(iters):
            return KMeans(k, init=init, n_init=1, max_iter=iters, tol=0.0, algorithm="lloyd").fit(x)

        t1 = median_time(lambda: fit(1), args.repeats)
        t6 = median_time(lambda: fit(6), args.repeats)
        print(json.dumps({**base, "job": "lloyd_iteration", "seconds": (t6 - t1) / 5,
                          "flop_per_s": 2.0 * n * k * d / max((t6 - t1) / 5, 1e-12)}))


if __name__ == "__main__":
    main()
