#!/usr/bin/python3
"""Anchor for bench_agreement.cpp: scikit-learn on the same label pairs.

Rebuilds the benchmark's labels bit for bit (splitmix64(seed * 2^32 + i) mod k,
seeds 1 and 2) and times scikit-learn's adjusted_mutual_info_score and
adjusted_rand_score (best of --repeats), printing one JSON line per pair with
the seconds and the values, so the library's figures read as ratios measured
on the same machine. Run with /usr/bin/python3.

    /usr/bin/python3 bench/anchors_agreement.py [--pairs W1,W3] [--repeats 3]
"""
import argparse
import json
import time

import numpy as np
import sklearn
from sklearn import metrics

PAIRS = {"W1": (10_000, 10), "W3": (1_000_000, 1000)}
M64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def splitmix64(x):
    with np.errstate(over="ignore"):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def bench_labels(n, k, seed):
    i = np.arange(n, dtype=np.uint64)
    return (splitmix64((np.uint64(seed) << np.uint64(32)) + i) % np.uint64(k)).astype(np.int64)


def best_of(fn, repeats):
    best, value = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - t0)
    return best, value


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", default="W1,W3")
    ap.add_argument("--repeats", type=int, default=3, help="repeats (W3's AMI runs once: it takes minutes)")
    args = ap.parse_args()
    for name in args.pairs.split(","):
        n, k = PAIRS[name]
        a, b = bench_labels(n, k, 1), bench_labels(n, k, 2)
        reps = 1 if n >= 1_000_000 else args.repeats
        t_ami, ami = best_of(lambda: metrics.adjusted_mutual_info_score(a, b), reps)
        t_ari, ari = best_of(lambda: metrics.adjusted_rand_score(a, b), args.repeats)
        print(json.dumps({"pair": name, "n": n, "k": k, "sklearn": sklearn.__version__,
                          "ami_seconds": t_ami, "ami": ami, "ari_seconds": t_ari, "ari": ari}), flush=True)


if __name__ == "__main__":
    main()
