#!/usr/bin/env python3
"""SGEMM rate of OpenBLAS builds on this CPU, side by side.

Times C = A B (2048 x 2048 x 2048, float32, row-major, the library's own
threads) by calling cblas_sgemm through ctypes from each shared library, each
in a process of its own (the kernel set is chosen when the library loads, and
OPENBLAS_CORETYPE forces one). Repetitions are interleaved across the
configurations so that a busy machine slows them alike; medians are printed,
with the kernel each library reports (openblas_get_corename).

    /usr/bin/python3 bench/sgemm_rate.py                 # Debian's OpenBLAS, native and generic
    /usr/bin/python3 bench/sgemm_rate.py --wheel-python build/peer-venv/bin/python
    /usr/bin/python3 bench/sgemm_rate.py --threads 1,2 --coretypes Prescott,Haswell,SkylakeX

--coretypes names the kernel sets forced with OPENBLAS_CORETYPE beside each
library's own choice (default Prescott, OpenBLAS's generic x86-64 kernels:
what an older OpenBLAS falls back to on a CPU model it does not know).

--wheel-python names a Python whose site-packages holds scipy_openblas32
(PyPI; libscipy_openblas.so, symbols prefixed scipy_): that library is timed
too. Needs NumPy in the Python that runs this script.
"""

import argparse
import ctypes
import json
import os
import statistics
import subprocess
import sys
import time

DEBIAN = "libopenblas.so.0"


def child(lib, prefix, m, threads, repeats):
    import numpy as np

    so = ctypes.CDLL(lib)
    corename = getattr(so, prefix + "openblas_get_corename")
    corename.restype = ctypes.c_char_p
    config = getattr(so, prefix + "openblas_get_config")
    config.restype = ctypes.c_char_p
    getattr(so, prefix + "openblas_set_num_threads")(threads)
    gemm = getattr(so, prefix + "cblas_sgemm")
    rng = np.random.default_rng(0)
    a = rng.standard_normal((m, m), dtype=np.float32)
    b = rng.standard_normal((m, m), dtype=np.float32)
    c = np.zeros((m, m), dtype=np.float32)
    p = lambda x: x.ctypes.data_as(ctypes.c_void_p)  # noqa: E731
    row_major, no_trans = 101, 111
    args = (row_major, no_trans, no_trans, m, m, m, ctypes.c_float(1.0), p(a), m, p(b), m,
            ctypes.c_float(0.0), p(c), m)
    gemm(*args)  # warm-up: threads started, pages touched
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        gemm(*args)
        times.append(time.perf_counter() - t0)
    print(json.dumps({"corename": corename().decode(), "config": config().decode(),
                      "flop_per_s": [2.0 * m ** 3 / t for t in times]}))


def wheel_library(python):
    out = subprocess.run([python, "-c", "import scipy_openblas32 as s, os; "
                          "print(os.path.join(s.get_lib_dir(), s.get_library(True)))"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", type=int, default=2048)
    p.add_argument("--threads", default="2", help="thread counts, comma-separated (e.g. 1,2)")
    p.add_argument("--coretypes", default="Prescott", help="OPENBLAS_CORETYPE values to force, comma-separated")
    p.add_argument("--json", default=None, help="also write the medians here")
    p.add_argument("--rounds", type=int, default=5, help="interleaved rounds (one process each)")
    p.add_argument("--repeats", type=int, default=3, help="timed calls per process")
    p.add_argument("--wheel-python", default=None)
    p.add_argument("--child", nargs=2, metavar=("LIB", "PREFIX"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        child(args.child[0], "" if args.child[1] == "-" else args.child[1], args.size, int(args.threads),
              args.repeats)
        return 0

    cores = [c.strip() for c in args.coretypes.split(",") if c.strip()]
    libs = [("Debian OpenBLAS", DEBIAN, "-")]
    if args.wheel_python:
        libs.append(("scipy-openblas32 (PyPI)", wheel_library(args.wheel_python), "scipy_"))
    configs = []
    for lib_name, lib, prefix in libs:
        configs.append((f"{lib_name}, native", lib, prefix, {}))
        configs += [(f"{lib_name}, OPENBLAS_CORETYPE={c}", lib, prefix, {"OPENBLAS_CORETYPE": c}) for c in cores]
    thread_counts = [int(t) for t in str(args.threads).split(",") if t.strip()]
    rates = {(name, t): [] for name, *_ in configs for t in thread_counts}
    about = {}
    for _ in range(args.rounds):
        for t in thread_counts:
            for name, lib, prefix, extra in configs:
                env = dict(os.environ, **extra)
                env.pop("OPENBLAS_NUM_THREADS", None)
                if not extra:
                    env.pop("OPENBLAS_CORETYPE", None)
                out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", lib, prefix,
                                      "--size", str(args.size), "--threads", str(t),
                                      "--repeats", str(args.repeats)],
                                     env=env, capture_output=True, text=True, check=True)
                rec = json.loads(out.stdout.strip().splitlines()[-1])
                rates[(name, t)] += rec["flop_per_s"]
                about[name] = rec
    load = os.getloadavg()
    print(f"SGEMM {args.size}^3, {args.rounds} interleaved rounds x {args.repeats} calls; "
          f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    doc = []
    for t in thread_counts:
        base = statistics.median(rates[(configs[0][0], t)])
        print(f" {t} thread{'s' if t > 1 else ''}:")
        for name, *_ in configs:
            med = statistics.median(rates[(name, t)])
            print(f"  {name}: {med / 1e9:.1f} GFLOP/s (x{med / base:.2f}), kernel {about[name]['corename']}; "
                  f"{about[name]['config']}")
            doc.append({"config": name, "threads": t, "flop_per_s": med, "kernel": about[name]["corename"],
                        "openblas_config": about[name]["config"]})
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"size": args.size, "load_average": load, "rates": doc}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
