#!/usr/bin/env python3
"""Reference bootstrap intervals of Pearson, Spearman and Kendall (tau-b).

For each case: `resamples` resamples of the (x, y) pairs with replacement,
SciPy's three correlations on each (float64), and the percentile interval of
the defined ones (numpy.quantile, linear). The resampling indices come from
Philox4x32-10, written here afresh from its definition (Salmon et al., SC 2011)
in NumPy and checked against the Random123 known-answer vectors: index j of
resample b is the block at counter (b, j, 0x62747370, 0) under the case's
key, its first two words as a 64-bit u, the index (u * n) >> 64.

Writes tests/golden/correlation_bootstrap.json. Regenerate with:
/usr/bin/python3 tests/golden/make_correlation_bootstrap.py
"""
import json
import os
import warnings

import numpy as np
from scipy import stats

M0, M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
W0, W1 = 0x9E3779B9, 0xBB67AE85
MASK = np.uint64(0xFFFFFFFF)
STREAM = 0x62747370


def philox4x32_10(c0, c1, c2, c3, key):
    """Vectorised over the counter arrays; returns the four output words."""
    c = [np.asarray(v, dtype=np.uint64) & MASK for v in (c0, c1, c2, c3)]
    k0, k1 = key & 0xFFFFFFFF, key >> 32
    for _ in range(10):
        p0 = M0 * c[0]  # < 2^64: exact in uint64
        p1 = M1 * c[2]
        hi0, lo0 = p0 >> np.uint64(32), p0 & MASK
        hi1, lo1 = p1 >> np.uint64(32), p1 & MASK
        c = [hi1 ^ c[1] ^ np.uint64(k0), lo1, hi0 ^ c[3] ^ np.uint64(k1), lo0]
        k0 = (k0 + W0) & 0xFFFFFFFF
        k1 = (k1 + W1) & 0xFFFFFFFF
    return c


def check_known_answers():
    kat = [((0, 0, 0, 0), 0, (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
           ((0xFFFFFFFF,) * 4, 0xFFFFFFFFFFFFFFFF, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
           ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0x299F31D0 << 32) | 0xA4093822,
            (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1))]
    for ctr, key, want in kat:
        got = tuple(int(w) for w in philox4x32_10(*ctr, key))
        assert got == want, (ctr, key, [hex(g) for g in got])


def indices(n, resamples, key):
    b, j = np.meshgrid(np.arange(resamples), np.arange(n), indexing="ij")
    r = philox4x32_10(b, j, np.full_like(b, STREAM), np.zeros_like(b), key)
    u = (r[0] << np.uint64(32)) | r[1]
    # (u * n) >> 64 in exact integers.
    return np.array([[(int(v) * n) >> 64 for v in row] for row in u], dtype=np.int64)


def correlations(x, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # constant resamples: NaN, counted as undefined
        return (float(stats.pearsonr(x, y)[0]), float(stats.spearmanr(x, y)[0]),
                float(stats.kendalltau(x, y, variant="b")[0]))


cases = []


def add(name, x, y, resamples=2000, confidence=0.95, seed=0):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    idx = indices(len(x), resamples, seed)
    vals = np.array([correlations(x[i], y[i]) for i in idx])
    q = np.array([(1 - confidence) / 2, (1 + confidence) / 2])
    case = {"name": name, "x": x.tolist(), "y": y.tolist(), "resamples": resamples,
            "confidence": confidence, "seed": seed,
            "indices_first": idx[0].tolist(), "indices_last": idx[-1].tolist()}
    for col, m in enumerate(("pearson", "spearman", "kendall")):
        v = vals[:, col]
        ok = v[~np.isnan(v)]
        case["undefined_" + m] = int(np.isnan(v).sum())
        case[m] = np.quantile(ok, q).tolist() if len(ok) else [None, None]
    cases.append(case)


check_known_answers()
rng = np.random.default_rng(18)
t = np.arange(16.0)
# A trajectory like the demo's: 16 checkpoints, rising with noise.
add("rising_16", t + 3 * rng.standard_normal(16), 0.85 + 0.006 * t + 0.01 * rng.standard_normal(16))
add("unrelated_16", rng.standard_normal(16), rng.standard_normal(16))
add("ties_16", rng.integers(0, 4, 16), rng.integers(0, 3, 16))
add("monotone_12", np.arange(12), np.exp(np.arange(12) / 4.0))
add("three_points", [0.1, 0.5, 0.2], [1.0, 2.0, 3.0])  # many constant resamples
add("two_points", [1.0, 2.0], [3.0, 5.0])             # half the resamples constant
add("other_seed_90", rng.standard_normal(30), rng.standard_normal(30), resamples=500,
    confidence=0.9, seed=0x1234567890ABCDEF)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "correlation_bootstrap.json")
with open(out, "w") as f:
    json.dump({"generator": "numpy " + np.__version__ + ", scipy " + __import__("scipy").__version__,
               "cases": cases}, f, indent=1)
print("wrote", out, len(cases), "cases")
