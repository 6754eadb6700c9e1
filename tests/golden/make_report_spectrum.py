#!/usr/bin/python3
"""Reference covariance spectra for the report's covariance_spectrum field.

The eigenvalues of numpy.cov (ddof = 1, float64) of small float32 inputs,
written alongside them, largest first, the min(n - 1, d) that can be
non-zero. Cases: a well-conditioned matrix, data far from the origin (the
shift matters), a rank-deficient one (n < d) and a collapsed one (most of the
variance in two directions). Run with /usr/bin/python3 from this folder's
parent: writes tests/golden/report_spectrum.json.
"""
import json
import os

import numpy as np


def case(name, x):
    x = np.asarray(x, dtype=np.float32)
    n, d = x.shape
    lam = np.linalg.eigvalsh(np.cov(x.astype(np.float64), rowvar=False, ddof=1))[::-1]
    lam = np.maximum(lam[: min(n - 1, d)], 0.0)
    return {"name": name, "x": [[float(v) for v in row] for row in x], "spectrum": [float(v) for v in lam]}


def main():
    rng = np.random.default_rng(21)
    cases = [
        case("normal_60x8", rng.normal(size=(60, 8))),
        case("offset_50x6", 1000.0 + rng.normal(size=(50, 6)) * np.arange(1, 7)),
        case("wide_7x12", rng.normal(size=(7, 12))),
        case("collapsed_80x10", rng.normal(size=(80, 2)) @ rng.normal(size=(2, 10)) * 5.0
             + 1e-3 * rng.normal(size=(80, 10))),
    ]
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "report_spectrum.json")
    with open(out, "w") as f:
        json.dump({"cases": cases}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
