#!/usr/bin/env python3
"""Side-by-side runner: embed-metrics against what a user would pick instead.

In one run, on one machine and on the very same data, it
  1. generates the standard workloads (Gaussian mixture, centers N(0, I),
     noise sigma 1.5, float32, seed 0, labels = component) into a temporary
     folder as <W>_x.npy and <W>_labels.npy,
  2. runs the project's em_bench (the machine's ceilings and the metric
     benchmarks for those workloads) with EM_BENCH_DATA pointing there,
  3. times the anchors in a child process: scikit-learn on the CPU, and
     PyTorch formulations written here (bench/torch_anchors.py) on the GPU
     when torch and CUDA are present,
  4. prints one table (job, workload, our time, the anchor's time, the ratio,
     our fraction of the floor) and writes everything as JSON.

The floor of a job is max(flop / SGEMM rate, bytes / bandwidth), with both
rates measured by em_bench in the same run (see bench/README.md).

    /usr/bin/python3 bench/compare.py --device cpu --workloads W0,W1
    python3 bench/compare.py --device cuda --workloads W1,W2,W3 --budget-s 280
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import bench_jobs  # noqa: E402  (job names, flop and byte counts, name matching)

WORKLOADS = bench_jobs.WORKLOADS


# ------------------------------------------------------------------ data ---
def make_workload(name, seed=0, labels_only=False):
    """The workload as benchmarks.md defines it, as float32 / int64 arrays
    (x is None with labels_only)."""
    import numpy as np

    n, d, k = WORKLOADS[name]
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((k, d), dtype=np.float32)
    labels = rng.integers(0, k, size=n, dtype=np.int64)
    if labels_only:
        return None, labels
    x = rng.standard_normal((n, d), dtype=np.float32)
    x *= np.float32(1.5)
    x += centers[labels]
    return x, labels


def write_data(folder, workloads, label_workloads, log):
    import numpy as np

    for w in label_workloads:
        if w not in workloads:
            np.save(os.path.join(folder, f"{w}_labels.npy"), make_workload(w, labels_only=True)[1])
            log(f"data: {w} labels only (agreement jobs)")
    for w in workloads:
        t0 = time.perf_counter()
        x, labels = make_workload(w)
        np.save(os.path.join(folder, f"{w}_x.npy"), x)
        np.save(os.path.join(folder, f"{w}_labels.npy"), labels)
        log(f"data: {w} {x.shape[0]} x {x.shape[1]}, k = {WORKLOADS[w][2]} "
            f"({time.perf_counter() - t0:.1f} s)")


# -------------------------------------------------------------- em_bench ---
def find_em_bench(given):
    if given:
        return given
    for cand in ("build/bench/em_bench", "gpu-bundle/em_bench", "build/flat/em_bench",
                 "build-gpu/bench/em_bench"):
        path = os.path.join(ROOT, cand)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def select_benchmarks(names, device, workloads, label_workloads=(), all_benchmarks=False):
    """Our benchmarks to run: the ceilings of the device, and every metric
    benchmark on the device whose workload is one of those asked for (or,
    for the agreement jobs, one of the label-only workloads)."""
    chosen = []
    for name in names:
        info = bench_jobs.classify(name)
        if info["ceiling"]:
            if info["device"] == device:
                chosen.append(name)
            continue
        # without a workload in the name, an integer argument may still name
        # one (read from the label after the run); otherwise it is no row
        maybe_workload = info["workload"] is not None or re.search(r"/\d+(/|$)", name)
        if info["device"] != device or (not all_benchmarks and (info["job"] is None or not maybe_workload)):
            continue
        if info["workload"] is not None and info["workload"] not in workloads and not (
                info["workload"] in label_workloads and info["job"] in bench_jobs.LABEL_JOBS):
            continue
        chosen.append(name)
    # ceilings first, then the small workloads: what does not fit the budget
    # is the biggest figure
    order = {w: i for i, w in enumerate(WORKLOADS)}
    return sorted(chosen, key=lambda nm: (not bench_jobs.classify(nm)["ceiling"],
                                          order.get(bench_jobs.classify(nm)["workload"], len(order))))


# Counters by which our benchmarks report the value they computed.
VALUE_COUNTERS = ("score", "value", "entropy", "ami", "inertia")

# Fields of a Google Benchmark JSON run that are not user counters.
BENCHMARK_FIELDS = {"family_index", "per_family_instance_index", "repetitions", "repetition_index",
                    "iterations", "real_time", "cpu_time"}


def unit_seconds(unit):
    return {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[unit]


def run_em_bench(exe, names, data_dir, deadline, repetitions, min_time, out_dir, log):
    """Runs each benchmark in its own process (a time-out loses one figure,
    not the run); returns (results by name, context)."""
    env = dict(os.environ, EM_BENCH_DATA=data_dir)
    results, context = {}, None
    for name in names:
        left = deadline - time.monotonic()
        if left < 5:
            log(f"em_bench: out of time, skipping {name}")
            results[name] = {"skipped": "time budget"}
            continue
        out = os.path.join(out_dir, "em_bench_%d.json" % len(results))
        cmd = [exe, "--benchmark_filter=^" + re.escape(name) + "$",
               f"--benchmark_repetitions={repetitions}", f"--benchmark_min_time={min_time}",
               "--benchmark_report_aggregates_only=false",
               "--benchmark_min_warmup_time=" + ("0.1" if "gpu" in name.lower() or "cuda" in name.lower() else "0"),
               f"--benchmark_out={out}", "--benchmark_out_format=json"]
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=left)
        except subprocess.TimeoutExpired:
            log(f"em_bench: {name} ran past the budget")
            results[name] = {"skipped": "timed out"}
            continue
        if proc.returncode != 0 or not os.path.exists(out):
            results[name] = {"error": (proc.stderr or proc.stdout)[-400:]}
            log(f"em_bench: {name} failed: {results[name]['error'].strip()[-200:]}")
            continue
        with open(out) as f:
            doc = json.load(f)
        context = context or doc.get("context")
        runs = [b for b in doc.get("benchmarks", []) if b.get("run_type") == "iteration"]
        if not runs:
            results[name] = {"skipped": "no run"}
            continue
        if any(b.get("error_occurred") for b in runs):
            results[name] = {"skipped": runs[0].get("error_message", "error")}
            log(f"em_bench: {name}: {results[name]['skipped']}")
            continue
        times = [b["real_time"] * unit_seconds(b.get("time_unit", "ns")) for b in runs]
        counters = {}  # user counters (flop/s, bytes/s, threads, a score...): medians
        for key in runs[0]:
            vals = [b[key] for b in runs if isinstance(b.get(key), (int, float))]
            if key not in BENCHMARK_FIELDS and vals and not isinstance(runs[0][key], bool):
                counters[key] = statistics.median(vals)
        cpu = [b["cpu_time"] * unit_seconds(b.get("time_unit", "ns")) for b in runs]
        results[name] = {"seconds": statistics.median(times), "repeats": len(times),
                         "cpu_seconds_main_thread": statistics.median(cpu),
                         "counters": counters, "label": runs[0].get("label", "")}
        log(f"em_bench: {name}: {results[name]['seconds'] * 1e3:.3f} ms "
            f"({time.perf_counter() - t0:.1f} s)")
    return results, context or {}


def ceilings_from(results, device):
    """The best SGEMM rate and bandwidth measured on the device."""
    flops, bws = [], []
    for name, r in results.items():
        info = bench_jobs.classify(name)
        if not info["ceiling"] or "seconds" not in r:
            continue
        if info["device"] != device:
            continue
        c = r["counters"]
        if "sgemm" in name and "tf32" not in name and "flop/s" in c:
            flops.append(c["flop/s"])
        if "bytes/s" in c:
            bws.append(c["bytes/s"])
    return (max(flops) if flops else None), (max(bws) if bws else None)


# --------------------------------------------------------------- anchors ---
def run_anchors(args, data_dir, deadline, log, python=None, torch=True):
    """Anchors in a child process, so that their BLAS settings, threads and
    GPU memory do not touch this process; one JSON object a line back."""
    env = dict(os.environ)
    if args.anchor_blas_env == "unset":
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
    cmd = [python or args.anchor_python or sys.executable, os.path.join(HERE, "anchors_run.py"),
           "--data", data_dir, "--workloads", ",".join(args.workloads),
           "--device", args.device, "--deadline-s", str(max(1.0, deadline - time.monotonic())),
           "--sk-max-pairs", str(args.sk_max_pairs), "--repeats", str(args.repetitions),
           "--label-workloads", ",".join(args.label_workloads)]
    if args.no_torch or not torch:
        cmd.append("--no-torch")
    if args.torch_device:
        cmd += ["--torch-device", args.torch_device]
    records = []
    try:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)
        for line in proc.stdout:
            line = line.strip()
            if not line.startswith("{"):
                continue
            rec = json.loads(line)
            records.append(rec)
            if "seconds" in rec:
                log(f"anchor: {rec['anchor']} {rec['job']} {rec['workload']}: "
                    f"{rec['seconds'] * 1e3:.3f} ms")
            elif "skipped" in rec:
                log(f"anchor: {rec.get('anchor')} {rec.get('job')} {rec.get('workload')}: "
                    f"skipped ({rec['skipped']})")
        proc.wait(timeout=max(5.0, deadline - time.monotonic() + 30))
    except subprocess.TimeoutExpired:
        proc.kill()
        log("anchors: killed at the time budget")
    return records


# ------------------------------------------------------------ peers venv ---
PEER_PACKAGES = ("faiss-cpu", "scikit-learn", "scipy", "threadpoolctl", "scipy-openblas32")


def peers_python(folder, log, install=True):
    """A Python of a virtual environment in `folder` (under the build folder)
    holding the current PyPI peers: FAISS (faiss-cpu) and scikit-learn with the
    OpenBLAS of its own wheels. Made with the system Python's venv module and
    filled with pip on the first use; never touches the system Python."""
    py = os.path.join(folder, "bin", "python")
    if not os.path.exists(py):
        if not install:
            return None
        log(f"peers: making the virtual environment {folder}")
        subprocess.run(["/usr/bin/python3", "-m", "venv", folder], check=True)
    ok = subprocess.run([py, "-c", "import faiss, sklearn, threadpoolctl, scipy_openblas32"],
                        capture_output=True).returncode == 0
    if not ok and install:
        log("peers: pip install " + " ".join(PEER_PACKAGES))
        subprocess.run([py, "-m", "pip", "install", "-q", *PEER_PACKAGES], check=True)
    return py


# ----------------------------------------------------------------- table ---
def fmt_time(s):
    if s is None:
        return "-"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    return f"{s * 1e6:.1f} us"


def build_rows(ours, anchors, flop_rate, bandwidth, device):
    """One row per (job, workload, anchor); our figure is the fastest of our
    benchmarks for that job and workload on the device."""
    mine = {}
    for name, r in ours.items():
        info = bench_jobs.classify(name, r.get("label", ""))
        if info["ceiling"] or info["job"] is None or info["workload"] is None or "seconds" not in r:
            continue
        key = (info["job"], info["workload"])
        if key not in mine or r["seconds"] < mine[key]["seconds"]:
            mine[key] = dict(r, name=name)
    theirs = {}
    for rec in anchors:
        if rec.get("kind") != "timing":
            continue
        theirs.setdefault((rec["job"], rec["workload"]), []).append(rec)
    rows = []
    for key in sorted(set(mine) | set(theirs), key=lambda k: (bench_jobs.job_order(k[0]), k[1])):
        job, w = key
        n, d, k = WORKLOADS[w]
        flop, nbytes = bench_jobs.work(job, n, d, k)
        floor = None
        if flop_rate and flop:
            floor = flop / flop_rate
        if bandwidth and nbytes:
            floor = max(floor or 0.0, nbytes / bandwidth)
        ours_r = mine.get(key)
        ours_s = ours_r["seconds"] if ours_r else None
        for rec in theirs.get(key, [None]):
            anc_s = rec.get("seconds") if rec else None
            rows.append({
                "job": job, "workload": w, "device": device,
                "ours_benchmark": ours_r["name"] if ours_r else None,
                "ours_s": ours_s,
                "anchor": rec["anchor"] if rec else None,
                "anchor_s": anc_s,
                "anchor_note": (rec.get("note") or rec.get("skipped")) if rec else None,
                "ours_counters": ours_r["counters"] if ours_r else None,
                "anchor_value": rec.get("value") if rec else None,
                "ratio": (anc_s / ours_s) if (anc_s and ours_s) else None,
                "flop": flop, "bytes": nbytes, "floor_s": floor,
                "floor_fraction": (floor / ours_s) if (floor and ours_s) else None,
            })
    return rows


def render(rows, ceil_line):
    head = ["job", "W", "ours", "anchor", "anchor time", "anchor/ours", "floor", "floor/ours"]
    body, notes = [], []
    for r in rows:
        anchor = r["anchor"] or "-"
        if r["anchor_note"]:
            if r["anchor_note"] not in notes:
                notes.append(r["anchor_note"])
            anchor += f" [{notes.index(r['anchor_note']) + 1}]"
        body.append([
            r["job"], r["workload"], fmt_time(r["ours_s"]), anchor, fmt_time(r["anchor_s"]),
            f"{r['ratio']:.2f}x" if r["ratio"] else "-",
            fmt_time(r["floor_s"]),
            f"{r['floor_fraction']:.2f}" if r["floor_fraction"] else "-",
        ])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)] if body else [len(h) for h in head]
    lines = [ceil_line, "",
             "| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for b in body:
        lines.append("| " + " | ".join(str(x).ljust(w) for x, w in zip(b, widths)) + " |")
    if notes:
        lines.append("")
        lines += [f"[{i + 1}] {note}" for i, note in enumerate(notes)]
    return "\n".join(lines)


# ------------------------------------------------------------------ main ---
def data_source(context_value):
    """em_bench's workload_data context, without this run's temporary path."""
    if context_value.startswith("files in"):
        return "the .npy files the anchors read (EM_BENCH_DATA)"
    return context_value


def git_commit():
    try:
        out = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return out.stdout.strip() + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def machine():
    info = {"host_cpu": platform.processor() or platform.machine(), "cores": os.cpu_count()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["host_cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        info["load_average"] = os.getloadavg()
    except OSError:
        pass
    if shutil.which("nvidia-smi"):
        try:
            out = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total,driver_version",
                                  "--format=csv,noheader"], capture_output=True, text=True, timeout=20)
            info["gpu"] = out.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                "OMP_WAIT_POLICY"):
        if var in os.environ:
            info[var] = os.environ[var]
    return info


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu",
                   help="where our benchmarks run (anchors: scikit-learn on the CPU; PyTorch on the GPU with cuda)")
    p.add_argument("--workloads", default=None,
                   help="comma-separated, from W0,W1,W2,W3 (default: W0,W1 on cpu, W1,W2,W3 on cuda)")
    p.add_argument("--label-workloads", default=None,
                   help="workloads whose labels alone are used, for the agreement jobs (default: W3 on cpu)")
    p.add_argument("--budget-s", type=float, default=None,
                   help="wall-clock budget for the whole run, data included (default 900 cpu, 280 cuda)")
    p.add_argument("--em-bench", default=None, help="path of em_bench (default: build/bench/em_bench or gpu-bundle/em_bench)")
    p.add_argument("--json", default=None, help="write everything here (default: build/compare-<device>.json)")
    p.add_argument("--markdown", default=None, help="also write the table here")
    p.add_argument("--data-dir", default=None, help="keep the generated data in this folder (default: a temporary one, removed)")
    p.add_argument("--repetitions", type=int, default=3, help="repeats of each anchor timing (median reported)")
    p.add_argument("--bench-repetitions", type=int, default=None,
                   help="em_bench --benchmark_repetitions (default 3 on cpu; 1 on cuda, where the GPU "
                        "benchmarks repeat on their own within the time budget)")
    p.add_argument("--min-time", default="0.1", help="em_bench --benchmark_min_time")
    p.add_argument("--no-torch", action="store_true", help="no PyTorch anchors")
    p.add_argument("--torch-device", default=None,
                   help="run the PyTorch anchors on this device instead (e.g. cpu, to check them without a GPU)")
    p.add_argument("--anchor-python", default=None, help="python that runs the anchors (default: this one)")
    p.add_argument("--anchor-blas-env", choices=["keep", "unset"], default="keep",
                   help="keep OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE for the anchors (default), or unset both there")
    p.add_argument("--sk-max-pairs", type=float, default=2e9,
                   help="skip scikit-learn's O(n^2) jobs (silhouette, kNN) above this many pairs")
    p.add_argument("--skip-ours", action="store_true", help="anchors only")
    p.add_argument("--omp-wait-policy", choices=["passive", "active", "default"], default="passive",
                   help="OMP_WAIT_POLICY for every process of the run, ours and the peers' alike (default "
                        "passive, as the embed-metrics tool sets it: spinning OpenMP threads make a shared "
                        "machine's figures noisy); default leaves the environment as it is")
    p.add_argument("--peers", choices=["install", "use", "none"], default="install",
                   help="PyPI peers (FAISS, current scikit-learn) from --peers-venv: install them there "
                        "when missing (default), use them only when present, or leave them out")
    p.add_argument("--peers-venv", default=os.path.join(ROOT, "build", "peer-venv"),
                   help="virtual environment of the PyPI peers (default: build/peer-venv)")
    p.add_argument("--all-benchmarks", action="store_true", default=None,
                   help="also run our benchmarks that match no job (JSON only; default on cuda, off on cpu)")
    args = p.parse_args(argv)

    args.workloads = [w.strip() for w in (args.workloads or ("W0,W1" if args.device == "cpu" else "W1,W2,W3")).split(",") if w.strip()]
    args.label_workloads = [w.strip() for w in (args.label_workloads if args.label_workloads is not None else
                            ("W3" if args.device == "cpu" else "")).split(",") if w.strip()]
    for w in args.workloads + args.label_workloads:
        if w not in WORKLOADS:
            p.error(f"unknown workload {w}: choose from {','.join(WORKLOADS)}")
    if args.omp_wait_policy != "default":
        os.environ["OMP_WAIT_POLICY"] = args.omp_wait_policy
    budget = args.budget_s if args.budget_s is not None else (900.0 if args.device == "cpu" else 280.0)
    start = time.monotonic()
    deadline = start + budget
    load0 = os.getloadavg() if hasattr(os, "getloadavg") else None
    log = lambda msg: print(f"[{time.monotonic() - start:6.1f} s] {msg}", file=sys.stderr, flush=True)

    exe = None if args.skip_ours else find_em_bench(args.em_bench)
    if not args.skip_ours and exe is None:
        p.error("em_bench not found: build it (cmake --build build --target em_bench) or pass --em-bench")

    tmp = None
    data_dir = args.data_dir
    if data_dir is None:
        tmp = tempfile.mkdtemp(prefix="em-compare-")
        data_dir = tmp
    os.makedirs(data_dir, exist_ok=True)
    try:
        write_data(data_dir, args.workloads, args.label_workloads, log)
        ours, context = {}, {}
        if exe:
            listed = subprocess.run([exe, "--benchmark_list_tests=true"], capture_output=True,
                                    text=True, timeout=120, env=dict(os.environ, EM_BENCH_DATA=data_dir))
            every = args.all_benchmarks if args.all_benchmarks is not None else args.device == "cuda"
            names = select_benchmarks(listed.stdout.split(), args.device, args.workloads, args.label_workloads,
                                      every)
            log(f"em_bench: {len(names)} benchmarks selected")
            # Our side may use at most half of what is left; the anchors the rest.
            our_deadline = time.monotonic() + 0.5 * (deadline - time.monotonic())
            reps = args.bench_repetitions or (3 if args.device == "cpu" else 1)
            ours, context = run_em_bench(exe, names, data_dir, our_deadline, reps,
                                         args.min_time, data_dir, log)
        peer_py = None
        if args.peers != "none":
            peer_py = peers_python(args.peers_venv, log, install=args.peers == "install")
        if peer_py:
            # the system Python's anchors (Debian's scikit-learn, PyTorch) get
            # two thirds of what is left, the PyPI peers the rest
            split = time.monotonic() + (2.0 / 3.0) * (deadline - time.monotonic())
            anchors = run_anchors(args, data_dir, split, log)
            anchors += run_anchors(args, data_dir, deadline, log, python=peer_py, torch=False)
        else:
            anchors = run_anchors(args, data_dir, deadline, log)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    flop_rate, bandwidth = ceilings_from(ours, args.device)
    rows = build_rows(ours, anchors, flop_rate, bandwidth, args.device)
    env_recs = [r for r in anchors if r.get("kind") == "environment"]
    env_rec = env_recs[0] if env_recs else {}
    ceil_line = (f"ceilings ({args.device}, measured in this run): SGEMM fp32 "
                 f"{flop_rate / 1e9:.1f} GFLOP/s" if flop_rate else f"ceilings ({args.device}): SGEMM not measured")
    ceil_line += (f", bandwidth {bandwidth / 1e9:.1f} GB/s" if bandwidth else ", bandwidth not measured")
    table = render(rows, ceil_line)

    blas_ours = {k: v for k, v in context.items() if k.startswith("openblas") or k in ("cpu_threads", "workload_data")}
    about = [f"embed-metrics BLAS: {blas_ours.get('openblas_config', 'unknown')} "
             f"(core {blas_ours.get('openblas_corename', '?')}, {blas_ours.get('cpu_threads', '?')} threads); "
             f"data: {data_source(blas_ours.get('workload_data', '?'))}"]
    for lib in [lib for rec in env_recs for lib in rec.get("threadpools", [])]:
        about.append(f"anchor BLAS/OpenMP: {lib.get('internal_api')} {lib.get('version')} "
                     f"{lib.get('architecture') or ''} threads={lib.get('num_threads')} "
                     f"({os.path.basename(lib.get('filepath', ''))})")
    if env_rec.get("torch"):
        about.append(f"anchor torch: {env_rec['torch']}")
    checks = []
    for r in rows:
        if r["job"] in bench_jobs.LABEL_JOBS:
            continue  # the agreement benchmarks draw their own labellings
        c = r.get("ours_counters") or {}
        ours_v = next((c[key] for key in VALUE_COUNTERS if key in c), None)
        if ours_v is not None and r.get("anchor_value") is not None:
            checks.append(f"{r['job']} {r['workload']}: ours {ours_v:.6g}, {r['anchor']} {r['anchor_value']:.6g}")
    if checks:
        table += "\n\nsame data, same answer:\n" + "\n".join(checks)
    print("\n".join(about))
    print(table)

    doc = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git_commit(), "machine": machine(), "device": args.device,
        "workloads": args.workloads, "budget_s": budget,
        "elapsed_s": time.monotonic() - start, "load_average_at_start": load0,
        "ceilings": {"sgemm_flop_per_s": flop_rate, "bandwidth_bytes_per_s": bandwidth},
        "em_bench_context": context, "ours": ours, "anchors": anchors, "rows": rows,
        "table": table,
    }
    out = args.json or os.path.join(ROOT, "build" if os.path.isdir(os.path.join(ROOT, "build")) else ".",
                                    f"compare-{args.device}.json")
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
    if args.markdown:
        m = doc["machine"]
        load = m.get("load_average")
        head = [f"- date: {doc['date']}; commit: {doc['commit']}; device: {args.device}",
                f"- machine: {m.get('host_cpu')}, {m.get('cores')} cores"
                + (f"; GPU: {m['gpu']}" if m.get("gpu") else "; no GPU")
                + (f"; OMP_WAIT_POLICY={m['OMP_WAIT_POLICY']}" if m.get("OMP_WAIT_POLICY") else "")
                + (f"; load average (1/5/15 min) at the start {load0[0]:.1f} / {load0[1]:.1f} / {load0[2]:.1f}, "
                   f"at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}" if load and load0 else ""),
                ] + [f"- {line}" for line in about] + [
                "- times: medians; anchor/ours above 1 means embed-metrics is faster; "
                "floor/ours is our fraction of the machine's ceiling", "", ""]
        with open(args.markdown, "w") as f:
            f.write("\n".join(head) + table + "\n")
    print(f"\nwritten: {out} ({doc['elapsed_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
