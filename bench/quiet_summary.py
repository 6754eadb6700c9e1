#!/usr/bin/env python3
"""The RESULTS.md rows of issue 16's CPU targets from one bench/quiet_run.sh
output folder: every figure with its target and ratio, all from that run.

    /usr/bin/python3 bench/quiet_summary.py build/quiet-run
"""

import json
import os
import re
import statistics
import sys

W1 = (10000, 512, 10)


def load(folder, name):
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def gbench_runs(doc):
    """{name: [iteration records]} of a Google Benchmark JSON file."""
    runs = {}
    for b in (doc or {}).get("benchmarks", []):
        if b.get("run_type", "iteration") == "iteration" and not b.get("error_occurred"):
            runs.setdefault(b["run_name"] if "run_name" in b else b["name"], []).append(b)
    return runs


def seconds(b):
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b.get("time_unit", "ns")]
    return b["real_time"] * scale


def library(name):
    """The BLAS library's name without the folder it was opened from."""
    return re.sub(r"/\S*/", "", name or "?")


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def verdict(value, target, higher_is_better):
    if value is None:
        return "not measured"
    ok = value >= target if higher_is_better else value <= target
    return "met" if ok else "missed"


def fmt_s(s):
    if s is None:
        return "-"
    return f"{s * 1e3:.1f} ms" if s < 10 else f"{s:.2f} s"


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    folder = argv[1]
    cmp_doc = load(folder, "compare-cpu.json") or {}
    rows = cmp_doc.get("rows", [])
    out = []
    m = cmp_doc.get("machine", {})
    load0 = cmp_doc.get("load_average_at_start")
    out.append(f"- {cmp_doc.get('date', '?')}, commit {cmp_doc.get('commit', '?')}; {m.get('host_cpu', '?')}, "
               f"{m.get('cores', '?')} cores; load average at the start "
               + (f"{load0[0]:.1f} / {load0[1]:.1f} / {load0[2]:.1f}" if load0 else "?"))
    ctx = cmp_doc.get("em_bench_context", {})
    out.append(f"- embed-metrics BLAS: {library(ctx.get('blas_library'))}, kernel {ctx.get('openblas_corename', '?')} "
               f"({ctx.get('blas_choice', '?')})")
    out.append("")
    out.append("| target | embed-metrics | reference | ratio | target ratio | |")
    out.append("|---|---|---|---|---|---|")

    def row(what, ours, ref_name, ref, ratio, target, higher):
        out.append(f"| {what} | {fmt_s(ours)} | {ref_name}: {fmt_s(ref)} | "
                   f"{'-' if ratio is None else f'{ratio:.2f}x'} | {'>=' if higher else '<='} {target}x | "
                   f"{verdict(ratio, target, higher)} |")

    def find(job, w, word):
        for r in rows:
            if r["job"] == job and r["workload"] == w and r.get("anchor") and word.lower() in r["anchor"].lower():
                return r
        return None

    # 1. kNN vs FAISS
    r = find("kNN (k=3)", "W1", "faiss")
    if r:
        row("exact kNN k=3, W1: FAISS IndexFlatL2 / ours", r["ours_s"], r["anchor"], r["anchor_s"], r["ratio"], 1.8, True)
    # 2. silhouette vs its floor (same threads, back to back) and scikit-learn
    runs = gbench_runs(load(folder, "silhouette-floor.json"))
    n, d, _ = W1
    for arg, label in (("0", "all threads"), ("1", "1 thread")):
        sil = [seconds(b) for b in runs.get(f"BM_silhouette_cpu_W1/{arg}/real_time", [])]
        rate = [b.get("flop/s") for b in runs.get(f"BM_silhouette_sgemm_rate_cpu/{arg}/real_time", [])]
        if sil and rate:
            floor = n * n * d / med(rate)
            row(f"exact silhouette W1, {label}: ours / floor n^2 d / SGEMM ({med(rate) / 1e9:.0f} GFLOP/s)",
                med(sil), "floor", floor, med(sil) / floor, 1.15, False)
    for word in ("Debian", "PyPI"):
        r = find("silhouette (exact)", "W1", word)
        if r and r.get("ratio"):
            out.append(f"| exact silhouette W1: {r['anchor']} / ours | {fmt_s(r['ours_s'])} | {fmt_s(r['anchor_s'])} | "
                       f"{r['ratio']:.2f}x | | |")
    # 3. Lloyd vs its memory floor and FAISS
    for r in rows:
        if r["job"] == "Lloyd iteration" and r["workload"] == "W1" and r.get("floor_s") and r.get("ours_s"):
            row("Lloyd iteration W1: ours / memory floor (X once at the triad bandwidth)", r["ours_s"], "floor",
                r["floor_s"], r["ours_s"] / r["floor_s"], 1.3, False)
            break
    r = find("Lloyd iteration", "W1", "faiss")
    if r:
        row("Lloyd iteration W1: FAISS Kmeans / ours", r["ours_s"], r["anchor"], r["anchor_s"], r["ratio"], 2.0, True)
    # 4. BLAS: the library's SGEMM against the current OpenBLAS's
    sg = load(folder, "sgemm-rate.json") or {}
    current = {x["threads"]: x["flop_per_s"] for x in sg.get("rates", []) if x["config"] == "scipy-openblas32 (PyPI), native"}
    for mode in ("system", "newer", "prescott"):
        doc = load(folder, f"library-sgemm-{mode}.json")
        if not doc:
            continue
        c = doc.get("context", {})
        lib_runs = gbench_runs(doc)
        for arg in ("1", "0"):
            rs = lib_runs.get(f"BM_silhouette_sgemm_rate_cpu/{arg}/real_time", [])
            if not rs:
                continue
            threads = int(rs[0].get("threads", 1))
            rate = med(b.get("flop/s") for b in rs)
            ref = current.get(threads)
            what = {"system": "EMBED_METRICS_BLAS=system", "newer": "EMBED_METRICS_BLAS=newer",
                    "prescott": "OPENBLAS_CORETYPE=Prescott (a CPU the system OpenBLAS does not know)"}[mode]
            ratio = rate / ref if (rate and ref) else None
            out.append(f"| library SGEMM, {what}, {threads} thread(s): {library(c.get('blas_library'))} kernel "
                       f"{c.get('openblas_corename', '?')} / current OpenBLAS 2048^3 | {rate / 1e9:.0f} GFLOP/s | "
                       f"{'-' if ref is None else f'{ref / 1e9:.0f} GFLOP/s'} | "
                       f"{'-' if ratio is None else f'{ratio:.2f}x'} | >= 0.9x | {verdict(ratio, 0.9, True)} |")
    for x in sg.get("rates", []):
        out.append(f"| SGEMM {sg.get('size', '?')}^3, {x['config']}, {x['threads']} thread(s), kernel {x['kernel']} | "
                   f"{x['flop_per_s'] / 1e9:.0f} GFLOP/s | | | | |")
    # 5. whole commands
    wc = load(folder, "whole-command.json") or {}
    for r in wc.get("rows", []):
        if r["who"] == "embed-metrics":
            out.append(f"| whole `{r['job']}` {r['workload']}, {r['threads']} thread(s) | {fmt_s(r['wall_s'])} | | | | |")
        else:
            out.append(f"| whole `{r['job']}` {r['workload']}: {r['who']} / ours ({r['threads']} threads) | | "
                       f"{fmt_s(r['wall_s'])} | {r['ratio_to_ours']:.2f}x | | |")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
