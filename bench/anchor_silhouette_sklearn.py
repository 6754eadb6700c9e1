#!/usr/bin/env python3
"""Anchor for the CPU silhouette benchmark: scikit-learn's exact
silhouette_score on a W0/W1-shaped workload (Gaussian mixture, centers N(0, I),
noise sigma 1.5, seed 0), on this machine, with NumPy's BLAS (install
OpenBLAS first: the reference BLAS is several times slower).

Prints one JSON line per workload: the median of --repeats wall-clock
timings and of the process CPU time (all threads; on a loaded machine compare
it with em_bench's 1-thread CPU time, e.g. with OPENBLAS_NUM_THREADS=1), the
score, and the nominal 2 n^2 d flop so the figure reads against the SGEMM
rate. Run it right before or after `em_bench --benchmark_filter=silhouette`
so both figures come from the same load on the machine:

    /usr/bin/python3 bench/anchor_silhouette_sklearn.py --workloads W0,W1
"""
import argparse
import json
import os
import statistics
import time

import numpy as np
import sklearn
from sklearn.metrics import silhouette_score

WORKLOADS = {"W0": (2000, 64, 10), "W1": (10000, 512, 10)}


def data(n, d, k, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(k, d)).astype(np.float32)
    labels = rng.integers(0, k, size=n)
    x = centers[labels] + np.float32(1.5) * rng.normal(size=(n, d)).astype(np.float32)
    return x.astype(np.float32), labels


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workloads", default="W0,W1")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    for name in args.workloads.split(","):
        n, d, k = WORKLOADS[name]
        x, labels = data(n, d, k)
        times = []
        cpu = []
        score = None
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            c0 = time.process_time()
            score = silhouette_score(x, labels, metric="euclidean")
            cpu.append(time.process_time() - c0)
            times.append(time.perf_counter() - t0)
        print(json.dumps({"anchor": "sklearn.silhouette_score", "workload": name, "n": n, "d": d,
                          "k": k, "seconds": statistics.median(times), "all_seconds": times,
                          "cpu_seconds": statistics.median(cpu),
                          "score": float(score), "flop": 2.0 * n * n * d, "cpus": os.cpu_count(),
                          "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
                          "sklearn": sklearn.__version__, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
