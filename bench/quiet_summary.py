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
    # 4. BLAS. (a) The BLAS the library runs against the current OpenBLAS,
    # same SGEMM (2048^3) and threads, each library threading itself
    # (sgemm_rate.py). (b) The library's own SGEMM at its tile shape
    # (4096 x 4096 x 512 through its wrapper) with each BLAS it can choose,
    # the newer one as the reference. Forced to generic kernels
    # (OPENBLAS_CORETYPE=Prescott, which both libraries read) is what a CPU
    # that neither knows gets: no target, shown for scale.
    sg = load(folder, "sgemm-rate.json") or {}
    rates = {(x["config"], x["threads"]): x for x in sg.get("rates", [])}
    current = {t: x["flop_per_s"] for (cfg, t), x in rates.items() if cfg == "scipy-openblas32 (PyPI), native"}
    for (cfg, t), x in sorted(rates.items(), key=lambda kv: kv[0][1]):
        if cfg != "Debian OpenBLAS, native" or t not in current:
            continue
        ratio = x["flop_per_s"] / current[t]
        out.append(f"| SGEMM {sg.get('size', '?')}^3, {t} thread(s): the library's BLAS (Debian OpenBLAS, kernel "
                   f"{x['kernel']}) / current OpenBLAS (scipy-openblas32) | {x['flop_per_s'] / 1e9:.0f} GFLOP/s | "
                   f"{current[t] / 1e9:.0f} GFLOP/s | {ratio:.2f}x | >= 0.9x | {verdict(ratio, 0.9, True)} |")
    lib = {}
    for mode in ("system", "newer", "prescott"):
        doc = load(folder, f"library-sgemm-{mode}.json")
        if not doc:
            continue
        c = doc.get("context", {})
        runs = gbench_runs(doc)
        for threads_arg in ("1", "0"):
            rs = runs.get(f"BM_silhouette_sgemm_rate_cpu/{threads_arg}/real_time", [])
            if rs:
                lib[(mode, int(rs[0].get("threads", 1)))] = (med(b.get("flop/s") for b in rs),
                                                             library(c.get("blas_library")), c.get("openblas_corename", "?"))
    for (mode, t), (rate, name, kernel) in sorted(lib.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        ref = lib.get(("newer", t))
        if mode == "newer" or ref is None or not rate or not ref[0]:
            continue
        ratio = rate / ref[0]
        if mode == "system":
            out.append(f"| library SGEMM 4096 x 4096 x 512, {t} thread(s): {name} kernel {kernel} / "
                       f"{ref[1]} kernel {ref[2]} (EMBED_METRICS_BLAS=newer) | {rate / 1e9:.0f} GFLOP/s | "
                       f"{ref[0] / 1e9:.0f} GFLOP/s | {ratio:.2f}x | >= 0.9x | {verdict(ratio, 0.9, True)} |")
        else:
            out.append(f"| library SGEMM 4096 x 4096 x 512, {t} thread(s), OPENBLAS_CORETYPE=Prescott (generic "
                       f"kernels: a CPU neither OpenBLAS knows): kernel {kernel} / newer native | {rate / 1e9:.0f} "
                       f"GFLOP/s | {ref[0] / 1e9:.0f} GFLOP/s | {ratio:.2f}x | | for scale |")
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
