#!/usr/bin/python3
"""Golden values of the agreement scores, computed with scikit-learn (float64).

Writes tests/golden/agreement.json: label pairs (random ones and the edge
cases: identical, one cluster on one or both sides, all singletons, n = 1 and
2, negative and huge values, very unequal sizes) with scikit-learn's ARI, AMI
and NMI (all four averages), MI, homogeneity, completeness, V-measure (beta 1
and 2), Fowlkes-Mallows and its expected mutual information; purity and the
Hungarian-matched accuracy from NumPy and scipy.optimize.linear_sum_assignment.

Run with /usr/bin/python3 (Debian's scikit-learn 1.2.1).
"""
import json
import os

import numpy as np
import sklearn
from scipy.optimize import linear_sum_assignment
from sklearn import metrics
from sklearn.metrics.cluster import contingency_matrix
from sklearn.metrics.cluster._expected_mutual_info_fast import expected_mutual_information

AVERAGES = ["arithmetic", "geometric", "min", "max"]


def scores(a, b):
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    c = contingency_matrix(a, b)  # dense, rows = classes of a
    out = {
        "ari": metrics.adjusted_rand_score(a, b),
        "mi": metrics.mutual_info_score(a, b),
        "fowlkes_mallows": metrics.fowlkes_mallows_score(a, b),
        "purity": float(c.max(axis=0).sum()) / len(a),
    }
    for m in AVERAGES:
        out["ami_" + m] = metrics.adjusted_mutual_info_score(a, b, average_method=m)
        out["nmi_" + m] = metrics.normalized_mutual_info_score(a, b, average_method=m)
    h, cpl, v = metrics.homogeneity_completeness_v_measure(a, b)
    out.update(homogeneity=h, completeness=cpl, v_measure=v)
    out["v_measure_beta2"] = metrics.v_measure_score(a, b, beta=2.0)
    rows, cols = linear_sum_assignment(c, maximize=True)
    out["accuracy"] = float(c[rows, cols].sum()) / len(a)
    if c.shape[0] > 1 and c.shape[1] > 1:
        out["expected_mi"] = float(expected_mutual_information(c.astype(np.float64), len(a)))
    else:
        out["expected_mi"] = 0.0
    out["clusters_a"] = int(c.shape[0])
    out["clusters_b"] = int(c.shape[1])
    return {k: float(v) if not isinstance(v, int) else v for k, v in out.items()}


def main():
    rng = np.random.default_rng(20261128)
    cases = []

    def add(name, a, b, **extra):
        a = [int(x) for x in a]
        b = [int(x) for x in b]
        cases.append(dict(name=name, a=a, b=b, expected=scores(a, b), **extra))

    # Random pairs, independent and correlated.
    for n, ka, kb in [(50, 3, 4), (200, 10, 7), (1000, 20, 20), (3000, 50, 30), (500, 100, 100),
                      (2000, 2, 2), (400, 1, 5)]:
        a = rng.integers(0, ka, n)
        b = rng.integers(0, kb, n)
        add(f"random_n{n}_{ka}x{kb}", a, b)
    for n, k, noise in [(1000, 10, 0.2), (2000, 30, 0.5), (300, 5, 0.05)]:
        a = rng.integers(0, k, n)
        b = np.where(rng.random(n) < noise, rng.integers(0, k + 3, n), (a * 7 + 3) % (k + 1))
        add(f"correlated_n{n}_k{k}_noise{noise}", a, b)

    # Identical partitions (same values, and relabelled).
    a = rng.integers(0, 5, 100)
    add("identical", a, a)
    add("identical_relabelled", a, 10 - 3 * a)
    # One cluster on one side, on the other, on both.
    b = rng.integers(0, 4, 60)
    add("one_cluster_a", np.zeros(60, np.int64), b)
    add("one_cluster_b", b, np.full(60, 9))
    add("one_cluster_both", np.full(30, 4), np.full(30, -1))
    # All singletons: one side, the other, both (a permutation).
    # One side all singletons: MI = EMI = H(other side) exactly, so AMI is 0,
    # and 0 / 0 with "min" averaging, where scikit-learn returns rounding noise
    # (about 1); the library returns 0 (the exact numerator).
    add("singletons_a", np.arange(40), rng.integers(0, 3, 40), ami_overrides={"min": 0.0})
    add("singletons_b", rng.integers(0, 3, 40), np.arange(40) * 5, ami_overrides={"min": 0.0})
    add("singletons_both_n10", np.arange(10), rng.permutation(10))
    # Both sides all singletons is 0/0 for AMI: scikit-learn returns its
    # rounding noise (0 here); identical partitions score 1 in the library.
    add("singletons_both_n2", [0, 1], [1, 0], ami_overrides={m: 1.0 for m in AVERAGES})
    # n = 1 and n = 2.
    add("n1", [5], [7])
    add("n2_same", [0, 0], [3, 3])
    add("n2_split_b", [0, 0], [0, 1])
    add("n2_split_a", [2, 1], [0, 0])
    # Negative and huge values.
    big = [-(2**63), 2**63 - 1, -5, 0, 10**18, -(10**18)]
    a = rng.choice(big, 300)
    b = np.where(rng.random(300) < 0.3, rng.choice(big[:4], 300), a)
    add("negative_and_huge", a, b)
    add("huge_range_two_values", [-(2**63)] * 3 + [2**63 - 1] * 4, [1, 1, 2, 2, 2, 3, 3])
    # Very unequal sizes.
    a = np.concatenate([np.zeros(990, np.int64), [1] * 5, [2] * 3, [3, 4]])
    b = np.concatenate([np.zeros(900, np.int64), rng.integers(1, 4, 95), np.arange(5, 10)])
    add("unequal_sizes", a, rng.permutation(b))
    a = np.concatenate([np.zeros(500, np.int64), np.arange(1, 501)])
    add("one_big_many_singletons", a, rng.permutation(a))
    add("one_big_many_singletons_vs_random", a, rng.integers(0, 7, 1000))

    out = {
        "generator": "tests/golden/make_agreement.py",
        "sklearn": sklearn.__version__,
        "averages": AVERAGES,
        "cases": cases,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "agreement.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path}: {len(cases)} cases")


if __name__ == "__main__":
    main()
