#!/usr/bin/env python3
"""Reference Pearson, Spearman and Kendall (tau-b) values from SciPy, float64.

Writes tests/golden/correlation.json: random series, series with ties, and
monotone series. Regenerate with: /usr/bin/python3 tests/golden/make_correlation.py
"""
import json
import os

import numpy as np
from scipy import stats

rng = np.random.default_rng(7)
cases = []


def add(name, x, y):
    x = [float(v) for v in x]
    y = [float(v) for v in y]
    cases.append({
        "name": name, "x": x, "y": y,
        "pearson": float(stats.pearsonr(x, y)[0]),
        "spearman": float(stats.spearmanr(x, y)[0]),
        "kendall": float(stats.kendalltau(x, y, variant="b")[0]),
    })


for n in (2, 3, 7, 20, 50):
    add(f"random_{n}", rng.standard_normal(n), rng.standard_normal(n))
x = rng.standard_normal(30)
add("noisy_increasing", x, 2 * x + 0.3 * rng.standard_normal(30))
add("ties_both", rng.integers(0, 4, 25), rng.integers(0, 5, 25))
add("ties_x_only", rng.integers(0, 3, 15), rng.standard_normal(15))
add("monotone_decreasing", np.arange(10), -np.exp(np.arange(10) / 3.0))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "correlation.json")
with open(out, "w") as f:
    json.dump({"generator": "scipy " + __import__("scipy").__version__, "cases": cases}, f, indent=1)
print("wrote", out, len(cases), "cases")
