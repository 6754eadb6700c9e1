#!/usr/bin/python3
"""Reference scores for synthetic contingency tables with n up to 3e9.

No scikit-learn here: its pair counts overflow int64 and its log-gamma terms
lose all precision at this n. Everything is exact integer arithmetic (Python
ints and fractions) rounded once to float64, or float64 sums of logs:
  - ARI and Fowlkes-Mallows from exact pair counts;
  - entropies, MI and the EMI weights from logs of exact integer ratios
    (log1p of an exact fraction near 1, else math.log of exact integers),
    summed with math.fsum: the true values to about 1e-16 relative, where
    scikit-learn's difference of float logs would keep only ~1e-15 absolute;
  - purity and the best matching by brute force over the small table;
  - the expected mutual information exactly, for tables where every pair of
    sizes (a, b) has a short hypergeometric support (min(a, b, n - a, n - b)
    small): P(k) = C(a, k) C(n - a, b - k) / C(n, b) as an exact fraction;
  - for balanced tables (support too wide for exact sums), the asymptotic
    EMI = (ka - 1)(kb - 1) / (2 n), whose relative error is O(ka kb / n)
    (below 1e-8 here): the test checks it to 1e-6 relative.
Writes tests/golden/agreement_big.json. Run with /usr/bin/python3.
"""
import itertools
import json
import math
import os
import sys
from fractions import Fraction


def table(cells):
    rows = sorted({r for r, _, _ in cells})
    cols = sorted({c for _, c, _ in cells})
    sa = [sum(v for r, _, v in cells if r == i) for i in rows]
    sb = [sum(v for _, c, v in cells if c == j) for j in cols]
    return sorted(cells), sa, sb


def log_ratio(num, den):
    """log(num / den) for positive integers, to ~1 ulp."""
    if 2 * num > den and num < 2 * den:
        return math.log1p(float(Fraction(num - den, den)))
    return math.log(num) - math.log(den)


def entropy(sizes, n):
    if len(sizes) == 1:
        return 0.0
    return -math.fsum((p / n) * log_ratio(p, n) for p in sizes)


def exact_emi(sa, sb, n):
    terms = []
    cnb = {}
    for a in sa:
        for b in sb:
            lo, hi = max(1, a + b - n), min(a, b)
            assert min(a, b, n - a, n - b) <= 200, "support too wide for the exact sum"
            if b not in cnb:
                cnb[b] = math.comb(n, b) if b <= n - b else math.comb(n, n - b)
            for k in range(lo, hi + 1):
                p = Fraction(math.comb(a, k) * math.comb(n - a, b - k), cnb[b])
                w = (k / n) * log_ratio(n * k, a * b)
                terms.append(float(p) * w)
    return math.fsum(terms)


def scores(name, cells, emi_mode):
    cells, sa, sb = table(cells)
    n = sum(sa)
    ka, kb = len(sa), len(sb)
    sum_sq = sum(v * v for _, _, v in cells)
    dot_b = sum(v * sb[c] for _, c, v in cells)
    dot_a = sum(v * sa[r] for r, _, v in cells)
    tp, fp, fn = sum_sq - n, dot_b - sum_sq, dot_a - sum_sq
    tn = n * n - fp - fn - sum_sq
    ari = 1.0 if fn == 0 and fp == 0 else float(
        Fraction(2 * (tp * tn - fn * fp), (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn)))
    tk = sum_sq - n
    pk = sum(b * b for b in sb) - n
    qk = sum(a * a for a in sa) - n
    fmi = math.sqrt(float(Fraction(tk, pk))) * math.sqrt(float(Fraction(tk, qk))) if tk else 0.0
    ha, hb = entropy(sa, n), entropy(sb, n)
    mi = 0.0
    if ka > 1 and kb > 1:
        # scikit-learn drops MI terms below machine epsilon; so does the library.
        terms = [(v / n) * log_ratio(v * n, sa[r] * sb[c]) for r, c, v in cells]
        mi = max(0.0, math.fsum(t for t in terms if abs(t) >= sys.float_info.epsilon))
    col_max = {}
    for r, c, v in cells:
        col_max[c] = max(col_max.get(c, 0), v)
    purity = float(Fraction(sum(col_max.values()), n))
    dense = [[0] * kb for _ in range(ka)]
    for r, c, v in cells:
        dense[r][c] = v
    best = 0
    if ka <= kb:
        for perm in itertools.permutations(range(kb), ka):
            best = max(best, sum(dense[i][perm[i]] for i in range(ka)))
    else:
        for perm in itertools.permutations(range(ka), kb):
            best = max(best, sum(dense[perm[j]][j] for j in range(kb)))
    out = dict(name=name, n=n, sizes_a=sa, sizes_b=sb,
               row=[r for r, _, _ in cells], col=[c for _, c, _ in cells], count=[v for _, _, v in cells],
               ari=ari, fowlkes_mallows=fmi, entropy_a=ha, entropy_b=hb, mi=mi,
               homogeneity=mi / ha if ha else 1.0, completeness=mi / hb if hb else 1.0,
               purity=purity, accuracy=float(Fraction(best, n)), emi_mode=emi_mode)
    h, c = out["homogeneity"], out["completeness"]
    out["v_measure"] = 0.0 if h + c == 0 else 2 * h * c / (h + c)
    out["nmi_arithmetic"] = 0.0 if mi == 0 else mi / ((ha + hb) / 2)
    if emi_mode == "exact":
        emi = exact_emi(sa, sb, n)
        out["expected_mi"] = emi
        out["ami_arithmetic"] = (mi - emi) / ((ha + hb) / 2 - emi)
    else:
        out["expected_mi"] = (ka - 1) * (kb - 1) / (2 * n)
    return out


def main():
    N = 3_000_000_000
    # Short supports everywhere: one huge cluster on each side, small others.
    small = [(1, 0, 3), (1, 5, 5), (1, 2, 2), (2, 0, 7), (2, 8, 8),
             (0, 1, 1), (0, 3, 3), (0, 4, 4), (0, 6, 6), (0, 7, 7), (0, 9, 4)]
    rest = N - sum(v for _, _, v in small)
    cases = [scores("n3e9_huge_and_small_clusters", small + [(0, 0, rest)], "exact")]
    # Balanced tables, n above and below 2^31 (the exact 128-bit ARI path).
    for n, (ka, kb) in [(3_000_000_000, (2, 2)), (2_000_000_000, (3, 4)), (3_000_000_000, (4, 3))]:
        cells = []
        left = n
        for i in range(ka):
            for j in range(kb):
                v = (n // (ka * kb)) + (i * 7919 + j * 104729) * 100 - 5_000_000 * (i == j)
                if i == ka - 1 and j == kb - 1:
                    v = left
                cells.append((i, j, v))
                left -= v
        cases.append(scores(f"n{n:.0e}_balanced_{ka}x{kb}".replace("+0", ""), cells, "asymptotic"))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "agreement_big.json")
    with open(path, "w") as f:
        json.dump({"generator": "tests/golden/make_agreement_big.py", "cases": cases}, f, indent=1)
        f.write("\n")
    print(f"wrote {path}: {len(cases)} tables")


if __name__ == "__main__":
    main()
