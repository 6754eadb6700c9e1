#!/usr/bin/python3
"""Reference values for the label-free metrics beyond the study.

Davies-Bouldin and Calinski-Harabasz from scikit-learn
(davies_bouldin_score, calinski_harabasz_score); uniformity, alignment, the
covariance spectrum, alpha-ReQ, NESum, LiDAR and the collapse std from their
definitions in float64 NumPy/SciPy (pdist, eigvalsh, the generalised
eigenproblem of scipy.linalg.eigh for LiDAR), on small float32 inputs that
are written alongside. Edge cases: duplicates, a cluster of one, n < d,
d = 1, identical views, groups of unequal size, and the undefined cases the
library must refuse with metric_undefined. Run with /usr/bin/python3 from
this folder's parent: writes tests/golden/label_free.json.
"""
import json
import os

import numpy as np
import scipy.linalg
from scipy.spatial.distance import pdist
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score

rng = np.random.default_rng(20261201)


def f32(x):
    return np.asarray(x, dtype=np.float32)


def rows(x):
    return [[float(v) for v in r] for r in f32(x)]


def blobs(n, d, k, spread=4.0):
    centres = rng.normal(size=(k, d)) * spread
    labels = rng.integers(0, k, size=n)
    labels[:k] = np.arange(k)
    return f32(centres[labels] + rng.normal(size=(n, d))), labels


def unit(x):
    x = x.astype(np.float64)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


# ------------------------------------------------------- cluster scores ---
def cluster_cases():
    cases = []

    def add(name, x, labels):
        x = f32(x)
        cases.append({"name": name, "x": rows(x), "labels": [int(v) for v in labels],
                      "davies_bouldin": float(davies_bouldin_score(x.astype(np.float64), labels)),
                      "calinski_harabasz": float(calinski_harabasz_score(x.astype(np.float64), labels))})

    x, l = blobs(200, 8, 4)
    add("blobs", x, l * 7 - 3)  # labels neither dense nor non-negative
    x, l = blobs(60, 5, 3)
    x[10:20] = x[10]  # duplicates
    add("duplicates", x, l)
    x, l = blobs(50, 4, 3)
    l = l.copy()
    l[0] = 99  # a cluster of one
    add("cluster_of_one", x, l)
    x, l = blobs(80, 1, 3)
    add("d1", x, l)
    x, l = blobs(12, 30, 3)
    add("n_less_than_d", x, l)
    x = f32(rng.normal(size=(30, 3)) + 1e4)
    add("far_from_origin", x, rng.integers(0, 3, size=30))
    return cases


def cluster_undefined():
    x, _ = blobs(20, 3, 2)
    return [{"name": "one_cluster", "x": rows(x), "labels": [5] * 20},
            {"name": "every_point_its_own", "x": rows(x), "labels": list(range(20))}]


# ----------------------------------------------------------- uniformity ---
def uniformity_ref(x, t):
    d2 = pdist(unit(x), "sqeuclidean")
    return float(np.log(np.mean(np.exp(-t * d2))))


def uniformity_cases():
    cases = []

    def add(name, x, t=2.0):
        x = f32(x)
        cases.append({"name": name, "x": rows(x), "t": t, "uniformity": uniformity_ref(x, t)})

    add("normal", rng.normal(size=(300, 16)))
    add("t1", rng.normal(size=(150, 8)), 1.0)
    x = rng.normal(size=(100, 6))
    x[20:60] = x[20]
    add("duplicates", x)
    add("d1", rng.normal(size=(90, 1)))
    add("n_less_than_d", rng.normal(size=(20, 64)))
    # Two directions: near-collapse, the mean dominated by exp(0) terms.
    base = rng.normal(size=(2, 32))
    add("collapsed", base[rng.integers(0, 2, size=120)] + 1e-3 * rng.normal(size=(120, 32)))
    add("ragged_tiles", rng.normal(size=(700, 12)))  # more than two 256-row blocks, last one partial
    return cases


# ------------------------------------------------------------ alignment ---
def alignment_cases():
    cases = []

    def add(name, a, b, alpha=2.0):
        a, b = f32(a), f32(b)
        dist = np.linalg.norm(unit(a) - unit(b), axis=1)
        cases.append({"name": name, "a": rows(a), "b": rows(b), "alpha": alpha,
                      "alignment": float(np.mean(dist ** alpha))})

    a = rng.normal(size=(100, 16))
    add("noisy_views", a, a + 0.3 * rng.normal(size=a.shape))
    add("alpha1", a, a + 0.3 * rng.normal(size=a.shape), 1.0)
    add("identical", a, a)
    add("d1", rng.normal(size=(40, 1)), rng.normal(size=(40, 1)))
    return cases


# ------------------------------------------------------------- spectrum ---
def spectrum_ref(x, floor=1e-10):
    n, d = x.shape
    cov = np.atleast_2d(np.cov(x.astype(np.float64), rowvar=False, ddof=1))
    lam = np.sort(np.linalg.eigvalsh(cov))[::-1][: min(n - 1, d)]
    lam = np.maximum(lam, 0.0)
    out = {"spectrum": [float(v) for v in lam]}
    above = int(np.sum(lam > floor * lam[0])) if lam[0] > 0 else 0
    # The fit stops before the first eigenvalue at or below the floor.
    k = 0
    while k < len(lam) and lam[k] > floor * lam[0]:
        k += 1
    assert k == above
    if k >= 2:
        i = np.arange(1, k + 1, dtype=np.float64)
        slope, _ = np.polyfit(np.log(i), np.log(lam[:k]), 1)
        out["alpha_req"] = float(-slope)
    else:
        out["alpha_req"] = None
    out["nesum"] = float(lam.sum() / lam[0]) if lam[0] > 0 else None
    return out


def spectrum_cases():
    cases = []

    def add(name, x):
        x = f32(x)
        c = {"name": name, "x": rows(x)}
        c.update(spectrum_ref(x))
        cases.append(c)

    d = 24
    scale = np.arange(1, d + 1, dtype=np.float64) ** -0.8  # a power-law spectrum
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    add("power_law", (rng.normal(size=(400, d)) * scale) @ q.T + 3.0)
    add("n_less_than_d", rng.normal(size=(15, 40)) * np.linspace(2, 0.5, 40))
    add("d1", rng.normal(size=(50, 1)) * 2.0)
    x = rng.normal(size=(60, 5))
    x[10:40] = x[10]
    add("duplicates", x)
    return cases


# ---------------------------------------------------------------- LiDAR ---
def lidar_ref(x, groups, delta, eps):
    x = x.astype(np.float64)
    ids = sorted(set(groups))
    groups = np.asarray(groups)
    means = np.stack([x[groups == g].mean(0) for g in ids])
    mu = means.mean(0)
    cb = means - mu
    sb = cb.T @ cb / len(ids)
    resid = x - means[np.searchsorted(ids, groups)]
    sw = resid.T @ resid / len(x) + delta * np.eye(x.shape[1])
    lam = scipy.linalg.eigh(sb, sw, eigvals_only=True)  # generalised: same as Sw^-1/2 Sb Sw^-1/2
    lam = np.sort(np.maximum(lam, 0.0))[::-1]
    p = lam / lam.sum() + eps
    return float(np.exp(-(p * np.log(p)).sum())), [float(v) for v in lam]


def lidar_cases():
    cases = []

    def add(name, x, groups, delta=1e-4, eps=1e-7):
        x = f32(x)
        value, lam = lidar_ref(x, groups, delta, eps)
        cases.append({"name": name, "x": rows(x), "groups": [int(g) for g in groups],
                      "delta": delta, "eps": eps, "lidar": value, "eigenvalues": lam})

    images = rng.normal(size=(40, 10)) * np.linspace(3, 0.2, 10)
    q = 4
    x = np.repeat(images, q, axis=0) + 0.5 * rng.normal(size=(40 * q, 10))
    g = np.repeat(np.arange(40) * 3 + 11, q)
    add("equal_groups", x, g)
    add("delta_1e-2", x, g, delta=1e-2)
    sizes = rng.integers(2, 7, size=30)
    images = rng.normal(size=(30, 6))
    x = np.repeat(images, sizes, axis=0) + 0.4 * rng.normal(size=(sizes.sum(), 6))
    g = np.repeat(np.arange(30), sizes)
    perm = rng.permutation(len(g))  # groups need not be contiguous
    add("unequal_groups", x[perm], g[perm])
    images = rng.normal(size=(25, 1))
    add("d1", np.repeat(images, 3, axis=0) + 0.3 * rng.normal(size=(75, 1)), np.repeat(np.arange(25), 3))
    return cases


def lidar_undefined():
    x = rng.normal(size=(12, 3))
    return [{"name": "one_group", "x": rows(x), "groups": [0] * 12},
            {"name": "singletons", "x": rows(x), "groups": list(range(12))}]


# --------------------------------------------------------- collapse std ---
def collapse_cases():
    cases = []

    def add(name, x):
        x = f32(x)
        cases.append({"name": name, "x": rows(x),
                      "collapse_std": float(np.std(unit(x), axis=0, ddof=1).mean())})

    add("normal", rng.normal(size=(300, 32)))
    add("collapsed", rng.normal(size=(1, 16)) + 1e-3 * rng.normal(size=(200, 16)))
    add("d1", rng.normal(size=(50, 1)))
    add("n_less_than_d", rng.normal(size=(10, 50)))
    return cases


def main():
    out = {
        "cluster_scores": cluster_cases(),
        "cluster_undefined": cluster_undefined(),
        "uniformity": uniformity_cases(),
        "alignment": alignment_cases(),
        "spectrum": spectrum_cases(),
        "lidar": lidar_cases(),
        "lidar_undefined": lidar_undefined(),
        "collapse_std": collapse_cases(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "label_free.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
