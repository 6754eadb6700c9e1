#!/usr/bin/env python3
"""Whole commands, process start to exit: what a user of the tool waits for.

Times `embed-metrics kmeans`, `silhouette` and `eval` on the workload files
against the whole Python processes of the peers doing the same job
(bench/peer_command.py: scikit-learn, Debian's and PyPI's, and FAISS for
k-means), with the repetitions interleaved (every variant once per round,
so a busy machine slows them alike) and medians reported, with the ratio to
ours. --baseline names a second embed-metrics binary (an older build) to time
in the same rounds, for before/after figures.

    /usr/bin/python3 bench/whole_command.py --exe build/embed-metrics \\
        --data DIR --workloads W0,W1 --threads 1,2 \\
        --peer "scikit-learn Debian=/usr/bin/python3" \\
        --peer "scikit-learn PyPI=build/peer-venv/bin/python" \\
        --peer "FAISS=build/peer-venv/bin/python:faiss"

DIR holds <W>_x.npy and <W>_labels.npy (bench/compare.py --data-dir writes
them). Peers run with OMP_NUM_THREADS and OPENBLAS_NUM_THREADS set to the
largest --threads; ours with --threads T.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench_jobs  # noqa: E402

JOBS = ("kmeans", "silhouette", "eval")


def ours_cmd(exe, job, x, labels, k, threads):
    common = ["--threads", str(threads), "--format", "json"]
    if job == "kmeans":
        return [exe, "kmeans", x, "--k", str(k), "--max-iter", "10"] + common
    if job == "silhouette":
        return [exe, "silhouette", x, labels] + common
    return [exe, "eval", x, "--labels", labels, "--k", str(k)] + common


def run_once(cmd, env):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr[-300:]}")
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return wall, cpu


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--exe", required=True)
    p.add_argument("--baseline", default=None, help="another embed-metrics binary, timed as 'before'")
    p.add_argument("--data", required=True)
    p.add_argument("--workloads", default="W0,W1")
    p.add_argument("--jobs", default=",".join(JOBS))
    p.add_argument("--threads", default="1,2", help="our --threads values")
    p.add_argument("--peer", action="append", default=[], help="LABEL=PYTHON[:faiss]")
    p.add_argument("--peer-jobs", default=",".join(JOBS), help="jobs the peers run (FAISS: kmeans only)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--budget-s", type=float, default=600.0, help="stop starting rounds after this")
    p.add_argument("--no-warm-up", action="store_true",
                   help="no untimed first round (the files are already in the page cache)")
    p.add_argument("--json", default=None)
    a = p.parse_args(argv)

    threads = [int(t) for t in a.threads.split(",")]
    peer_threads = max(threads)
    peers = []
    for spec in a.peer:
        label, _, rest = spec.partition("=")
        py, _, flavour = rest.partition(":")
        peers.append((label, py, flavour == "faiss"))
    variants = []  # (job, workload, name, threads, cmd, env)
    base_env = dict(os.environ)
    for w in a.workloads.split(","):
        n, d, k = bench_jobs.WORKLOADS[w]
        x = os.path.join(a.data, f"{w}_x.npy")
        labels = os.path.join(a.data, f"{w}_labels.npy")
        for job in a.jobs.split(","):
            for t in threads:
                variants.append((job, w, "embed-metrics", t, ours_cmd(a.exe, job, x, labels, k, t), base_env))
                if a.baseline:
                    variants.append((job, w, "embed-metrics before", t,
                                     ours_cmd(a.baseline, job, x, labels, k, t), base_env))
            if job not in a.peer_jobs.split(","):
                continue
            penv = dict(base_env, OMP_NUM_THREADS=str(peer_threads), OPENBLAS_NUM_THREADS=str(peer_threads))
            for label, py, use_faiss in peers:
                if use_faiss and job != "kmeans":
                    continue
                cmd = [py, os.path.join(HERE, "peer_command.py"), job, x, labels, "--k", str(k)]
                variants.append((job, w, label, peer_threads, cmd + (["--faiss"] if use_faiss else []), penv))

    load0 = os.getloadavg()
    start = time.monotonic()
    times = {}
    for v in [] if a.no_warm_up else variants:  # warm-up round: page cache, bytecode caches
        run_once(v[4], v[5])
    rounds = 0
    for _ in range(a.rounds):
        if time.monotonic() - start > a.budget_s:
            break
        for job, w, name, t, cmd, env in variants:
            times.setdefault((job, w, name, t), []).append(run_once(cmd, env))
        rounds += 1
    load1 = os.getloadavg()

    rows = []
    for job in a.jobs.split(","):
        for w in a.workloads.split(","):
            ours = {t: statistics.median(s[0] for s in times[(job, w, "embed-metrics", t)]) for t in threads
                    if (job, w, "embed-metrics", t) in times}
            for (j2, w2, name, t), samples in times.items():
                if (j2, w2) != (job, w):
                    continue
                wall = statistics.median(s[0] for s in samples)
                cpu = statistics.median(s[1] for s in samples)
                ref = ours.get(t) or ours.get(peer_threads)
                rows.append({"job": job, "workload": w, "who": name, "threads": t, "wall_s": wall,
                             "cpu_s": cpu, "ratio_to_ours": wall / ref if ref else None,
                             "samples": len(samples)})
    print(f"whole commands, {rounds} interleaved rounds, medians; load average "
          f"{load0[0]:.1f} / {load0[1]:.1f} / {load0[2]:.1f} at the start, "
          f"{load1[0]:.1f} / {load1[1]:.1f} / {load1[2]:.1f} at the end")
    print("| job | W | who | threads | wall | CPU (all threads) | wall / ours at the same threads |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['job']} | {r['workload']} | {r['who']} | {r['threads']} | {r['wall_s'] * 1e3:.1f} ms | "
              f"{r['cpu_s'] * 1e3:.1f} ms | {r['ratio_to_ours']:.2f}x |")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"rounds": rounds, "load_start": load0, "load_end": load1, "rows": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
