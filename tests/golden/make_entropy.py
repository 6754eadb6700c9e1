#!/usr/bin/python3
"""Reference values for the kNN search and the entropy / spectrum estimators.

Every formula is computed in float64 with NumPy / SciPy on small float32
inputs, which are written alongside (rows of float32 values). Run with
/usr/bin/python3 from this folder's parent: writes tests/golden/entropy.json.
"""
import json
import os

import numpy as np
from scipy.special import digamma, gammaln


def f32_rows(x):
    x = np.asarray(x, dtype=np.float32)
    return [[float(v) for v in row] for row in x]


def brute_knn(x, k, metric):
    """k nearest other rows, ties by smaller index (stable sort of distances)."""
    x = x.astype(np.float64)
    if metric == "euclidean":
        diff = x[:, None, :] - x[None, :, :]
        dist = np.sqrt((diff * diff).sum(-1))
    else:
        norms = np.linalg.norm(x, axis=1)
        nn = norms[:, None] * norms[None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            dist = np.where(nn > 0, 1.0 - (x @ x.T) / np.where(nn > 0, nn, 1.0), 1.0)
        dist = np.clip(dist, 0.0, 2.0)
    np.fill_diagonal(dist, np.inf)  # self excluded by index
    order = np.argsort(dist, axis=1, kind="stable")[:, :k]
    return order, np.take_along_axis(dist, order, axis=1)


def kl_entropy(x, k):
    """Kozachenko-Leonenko, nats; eps = 0 replaced by the smallest positive eps."""
    n, d = x.shape
    _, dist = brute_knn(x, k, "euclidean")
    eps = dist[:, k - 1]
    zero = eps == 0
    if zero.any():
        eps = np.where(zero, eps[~zero].min(), eps)
    log_vd = 0.5 * d * np.log(np.pi) - gammaln(0.5 * d + 1.0)
    return float(digamma(n) - digamma(k) + log_vd + d * np.mean(np.log(eps))), int(zero.sum())


def hist_entropy(x, bins, miller_madow):
    """Per-dimension plug-in entropy (nats) of numpy.histogram, and + log(width)."""
    x = x.astype(np.float64)
    n = x.shape[0]
    disc, diff, nbins = [], [], []
    for j in range(x.shape[1]):
        counts, edges = np.histogram(x[:, j], bins=bins)
        p = counts[counts > 0] / n
        h = float(-(p * np.log(p)).sum())
        if miller_madow:
            h += (np.count_nonzero(counts) - 1) / (2.0 * n)
        disc.append(h)
        diff.append(h + float(np.log(edges[1] - edges[0])))
        nbins.append(len(counts))
    return disc, diff, nbins


def gaussian_entropy(x):
    cov = np.cov(x.astype(np.float64), rowvar=False, ddof=1)
    sign, logdet = np.linalg.slogdet(cov)
    assert sign > 0
    d = x.shape[1]
    return float(0.5 * (d * np.log(2 * np.pi * np.e) + logdet))


GAUSSIAN_REL_TOL = 1e-10  # gaussian_entropy_params::rel_tol
RANK_REL_TOL = 1e-12      # effective_rank_params::rel_tol


def gaussian_entropy_floored(x, rel_tol=GAUSSIAN_REL_TOL):
    """The documented rule: eigenvalues of the float64 covariance at or below
    rel_tol * max are raised to that floor. The case must be clear-cut: no
    eigenvalue within a factor 100 of the floor, so that float64 rounding on
    either side cannot move one across it."""
    cov = np.cov(x.astype(np.float64), rowvar=False, ddof=1)
    lam = np.linalg.eigvalsh(cov)
    floor = rel_tol * lam.max()
    null = lam <= floor
    assert not np.any((lam > floor / 100) & (lam < floor * 100)), "eigenvalue too near the floor"
    logdet = float(np.sum(np.log(np.where(null, floor, lam))))
    d = x.shape[1]
    return {"entropy": float(0.5 * (d * np.log(2 * np.pi * np.e) + logdet)), "log_det": logdet,
            "floor": float(floor), "null_eigenvalues": int(null.sum())}


def effective_rank(x):
    s = np.linalg.svd(x.astype(np.float64), compute_uv=False)
    s2 = s * s
    zero = s2 <= RANK_REL_TOL * s2.max()
    assert not np.any((s2 > RANK_REL_TOL * s2.max() / 100) & (s2 < RANK_REL_TOL * s2.max() * 100))
    s = np.where(zero, 0.0, s)
    p = s / s.sum() + 1e-7
    return float(np.exp(-(p * np.log(p)).sum())), [float(v) for v in s], int(zero.sum())


def main():
    rng = np.random.default_rng(20261128)
    out = {}

    # kNN: random data, Euclidean and cosine; integer data with duplicates and
    # exact ties (small integers: the float32 GEMM distances are exact).
    x = rng.standard_normal((70, 6)).astype(np.float32)
    x[5] = 0.0  # a zero row: cosine distance 1 to everything
    cases = []
    for metric, k in (("euclidean", 4), ("cosine", 5)):
        idx, dist = brute_knn(x, k, metric)
        cases.append({"metric": metric, "k": k, "indices": idx.tolist(), "distances": dist.tolist()})
    ints = rng.integers(0, 3, size=(40, 3)).astype(np.float32)  # 27 cells: many duplicates and ties
    idx, dist = brute_knn(ints, 6, "euclidean")
    out["knn"] = {"x": f32_rows(x), "cases": cases,
                  "ties": {"x": f32_rows(ints), "k": 6, "indices": idx.tolist(),
                           "distances": dist.tolist()}}

    # Kozachenko-Leonenko entropy.
    kl = []
    for n, d, k, scale in ((200, 3, 3, 1.0), (150, 7, 5, 0.3), (120, 1, 1, 2.0)):
        xk = (rng.standard_normal((n, d)) * scale).astype(np.float32)
        h, zeros = kl_entropy(xk, k)
        kl.append({"x": f32_rows(xk), "k": k, "entropy": h, "zero_rows": zeros})
    # Duplicated rows: 10 points 4 times each plus 30 distinct ones, k = 3.
    base = rng.standard_normal((10, 4)).astype(np.float32)
    xd = np.concatenate([np.repeat(base, 4, axis=0), rng.standard_normal((30, 4)).astype(np.float32)])
    h, zeros = kl_entropy(xd, 3)
    kl.append({"x": f32_rows(xd), "k": 3, "entropy": h, "zero_rows": zeros})
    out["knn_entropy"] = kl

    # Histogram entropy: fixed 64 bins and Freedman-Diaconis, with and without Miller-Madow.
    xh = np.concatenate([rng.standard_normal((300, 3)), rng.exponential(2.0, (300, 1))], axis=1)
    xh = xh.astype(np.float32)
    hist = {"x": f32_rows(xh), "cases": []}
    for rule, mm in (("fixed", False), ("fixed", True), ("fd", False), ("fd", True)):
        disc, diff, nb = hist_entropy(xh, 64 if rule == "fixed" else "fd", mm)
        hist["cases"].append({"rule": rule, "miller_madow": mm, "per_dimension": disc,
                              "per_dimension_differential": diff, "bins": nb})
    out["histogram"] = hist

    # Gaussian entropy: correlated columns with a large mean (tests the shift).
    a = rng.standard_normal((6, 6))
    xg = (rng.standard_normal((100, 6)) @ a + 50.0).astype(np.float32)
    out["gaussian"] = {"x": f32_rows(xg), "entropy": gaussian_entropy(xg)}

    # Effective rank: tall and wide matrices.
    er = []
    for n, d in ((50, 8), (6, 10)):
        xr = (rng.standard_normal((n, d)) * np.linspace(0.1, 3.0, d)).astype(np.float32)
        r, s, zero = effective_rank(xr)
        er.append({"x": f32_rows(xr), "effective_rank": r, "singular_values": s,
                   "zero_singular_values": zero})
    out["effective_rank"] = er

    # Singular, near-singular and short wide inputs (a separate stream, so the
    # cases above keep their values).
    rng = np.random.default_rng(20261201)
    sing = []

    def add(name, xs):
        xs = np.asarray(xs, dtype=np.float32)
        sing.append({"name": name, "x": f32_rows(xs), **gaussian_entropy_floored(xs)})

    base = rng.standard_normal((200, 5)) * np.array([1.0, 2.0, 0.5, 1.5, 1.0]) + 10.0
    xs = base.astype(np.float32)
    xs[:, 4] = xs[:, 1]  # an exact duplicate column: one null direction
    add("duplicate_column", xs)
    xs = base.astype(np.float32)
    xs[:, 4] = (base[:, 1] + 1e-3 * rng.standard_normal(200)).astype(np.float32)  # ratio ~1e-7: kept
    add("near_singular_kept", xs)
    xs = base.astype(np.float32)
    xs[:, 4] = (base[:, 1] + 1e-6 * rng.standard_normal(200)).astype(np.float32)  # ratio ~1e-13: floored
    add("near_singular_floored", xs)
    xs = base.astype(np.float32)
    xs[:, 2] = 3.25  # a constant column
    add("constant_column", xs)
    z = rng.standard_normal((150, 2)) @ rng.standard_normal((2, 8))  # rank 2 in 8 dimensions
    add("rank_two_in_eight", z)
    add("n_equals_d", rng.standard_normal((20, 20)) * 2.0 + 1.0)
    add("wide_30x120", rng.standard_normal((30, 120)) * np.linspace(0.5, 2.0, 120) - 4.0)
    add("wide_2x50", rng.standard_normal((2, 50)))
    for c in sing:
        print(f"gaussian {c['name']}: null {c['null_eigenvalues']}, entropy {c['entropy']:.6f}")
    out["gaussian_singular"] = sing

    er2 = []
    xr = rng.standard_normal((12, 200)) * np.linspace(0.1, 3.0, 200)
    r, s, zero = effective_rank(xr.astype(np.float32))
    er2.append({"name": "wide_12x200", "x": f32_rows(xr), "effective_rank": r, "singular_values": s,
                "zero_singular_values": zero})
    xr = rng.standard_normal((60, 6)).astype(np.float32)
    xr[:, 5] = xr[:, 0]
    r, s, zero = effective_rank(xr)
    er2.append({"name": "duplicate_column", "x": f32_rows(xr), "effective_rank": r,
                "singular_values": s, "zero_singular_values": zero})
    out["effective_rank_singular"] = er2

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "entropy.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
