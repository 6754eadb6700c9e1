#!/usr/bin/env python3
"""Times the anchors on the workload files in --data (written by
bench/compare.py, which starts this script as a child process): scikit-learn
and NumPy on the CPU, and the PyTorch formulations of bench/torch_anchors.py
on the GPU when torch and CUDA are present. One JSON object a line on stdout:
first {"kind": "environment"} (versions, BLAS and thread pools), then one
{"kind": "timing"} per job and workload, with "seconds" (median of the
repeats) or "skipped"."""

import argparse
import json
import math
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import bench_jobs  # noqa: E402

KNN = bench_jobs.KNN_K


def emit(rec):
    print(json.dumps(rec), flush=True)


class Clock:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def left(self):
        return self.end - time.monotonic()


def time_cpu(fn, repeats, clock, warm_up_below=1.0):
    """Median wall time of fn(); the first call is a warm-up unless it took
    longer than warm_up_below seconds (then it is the only sample)."""
    t0 = time.perf_counter()
    value = fn()
    first = time.perf_counter() - t0
    if first >= warm_up_below or clock.left() < 3 * first:
        return first, 1, value
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
        if clock.left() < 2 * times[-1]:
            break
    return statistics.median(times), len(times), value


def time_torch(torch, device, fn, repeats, clock):
    """Median time of fn() after a warm-up: CUDA events on a GPU."""
    if device.type != "cuda":
        return time_cpu(fn, repeats, clock, warm_up_below=float("inf"))
    value = fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeats):
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        value = fn()
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop) * 1e-3)
        if clock.left() < 2 * times[-1]:
            break
    return statistics.median(times), len(times), value


def environment(torch_device):
    env = {"kind": "environment", "python": sys.version.split()[0], "numpy": np.__version__}
    try:
        import sklearn
        env["sklearn"] = sklearn.__version__
    except ImportError:
        env["sklearn"] = None
    try:
        from threadpoolctl import threadpool_info
        import sklearn.cluster  # noqa: F401  (loads its OpenMP runtime)
        from threadpoolctl import threadpool_limits
        with threadpool_limits(limits=len(os.sched_getaffinity(0))):
            env["threadpools"] = threadpool_info()
    except ImportError:
        env["threadpools"] = []
    try:
        import faiss
        env["faiss"] = faiss.__version__
    except ImportError:
        env["faiss"] = None
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        env[var] = os.environ.get(var)
    if torch_device is not None:
        import torch
        desc = f"torch {torch.__version__} on {torch_device}"
        if torch_device.type == "cuda":
            desc += f" ({torch.cuda.get_device_name(torch_device)}, fp32, TF32 off)"
        else:
            desc += f" ({torch.get_num_threads()} threads)"
        env["torch"] = desc
    return env


# --------------------------------------------------------- scikit-learn ---
def sklearn_jobs(w, x, labels, args, clock, threads, labels_only=False):
    from sklearn.cluster import KMeans, kmeans_plusplus
    from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score, silhouette_score
    from sklearn.neighbors import NearestNeighbors
    from threadpoolctl import threadpool_limits

    n, d, k = bench_jobs.WORKLOADS[w]
    name = f"scikit-learn {sklearn_origin()} ({threads} threads)"
    pairs = float(n) * n
    # a second labelling for the agreement scores, independent of the first
    # (as em_bench's agreement benchmarks draw theirs)
    other = np.random.default_rng(1).integers(0, k, size=n, dtype=np.int64)

    def init():
        return kmeans_plusplus(x, k, random_state=0)[0]

    def lloyd_one(centers):
        from sklearn.cluster._k_means_lloyd import lloyd_iter_chunked_dense
        sw = np.ones(n, dtype=x.dtype)
        new = np.empty_like(centers)
        weight = np.zeros(k, dtype=x.dtype)
        lab = np.full(n, -1, dtype=np.int32)
        shift = np.zeros(k, dtype=x.dtype)

        def step():
            # as KMeans.fit runs it: BLAS single-threaded, OpenMP over chunks
            with threadpool_limits(limits=1, user_api="blas"):
                lloyd_iter_chunked_dense(x, sw, centers, new, weight, lab, shift, threads)
            return None
        return step

    def fit():
        # as a user runs it (and as em_bench's fit benchmark does): default tol
        km = KMeans(n_clusters=k, init="k-means++", n_init=1, max_iter=10,
                    random_state=0, algorithm="lloyd").fit(x)
        return float(km.inertia_)

    def knn():
        nn = NearestNeighbors(n_neighbors=KNN + 1).fit(x)
        return nn.kneighbors(x, return_distance=True)[0][:, KNN]

    def ami():
        return float(adjusted_mutual_info_score(labels, other))

    def ari():
        return float(adjusted_rand_score(labels, other))

    out = []

    def run(job, fn, ok=True, note=None):
        if not ok:
            emit({"kind": "timing", "anchor": name, "job": job, "workload": w,
                  "skipped": "too slow for the budget at this size"})
            return None
        if clock.left() < 1:
            emit({"kind": "timing", "anchor": name, "job": job, "workload": w, "skipped": "time budget"})
            return None
        s, reps, value = time_cpu(fn, args.repeats, clock)
        rec = {"kind": "timing", "anchor": name, "job": job, "workload": w, "seconds": s, "repeats": reps}
        if isinstance(value, float):
            rec["value"] = value
        if note:
            rec["note"] = note
        emit(rec)
        out.append(rec)
        return value

    if labels_only:
        run("ARI", ari, True, "labels vs an independent labelling")
        run("AMI", ami, float(k) * k * n <= args.sk_max_ami, "labels vs an independent labelling")
        return
    small_nkd = float(n) * k * d <= args.sk_max_nkd
    centers = run("k-means++ init", init, small_nkd)
    if centers is None and small_nkd and clock.left() > 1:
        centers = init()
    if centers is not None:
        try:
            run("Lloyd iteration", lloyd_one(np.ascontiguousarray(centers, dtype=x.dtype)), small_nkd,
                "one lloyd_iter_chunked_dense call, as inside KMeans.fit")
        except ImportError:
            emit({"kind": "timing", "anchor": name, "job": "Lloyd iteration", "workload": w,
                  "skipped": "scikit-learn's Lloyd step not importable"})
    run("k-means (++ and 10 Lloyd)", fit, small_nkd, "KMeans n_init=1 max_iter=10, default tol")
    run("silhouette (exact)", lambda: float(silhouette_score(x, labels)), pairs <= args.sk_max_pairs)
    if pairs <= args.sk_max_pairs and clock.left() > 1:
        s, reps, r = time_cpu(knn, args.repeats, clock)
        emit({"kind": "timing", "anchor": name, "job": "kNN (k=3)", "workload": w, "seconds": s,
              "repeats": reps, "note": "NearestNeighbors.kneighbors"})
        t0 = time.perf_counter()
        h = entropy_from(r, n, d)
        extra = time.perf_counter() - t0
        emit({"kind": "timing", "anchor": name, "job": "kNN entropy (k=3)", "workload": w,
              "seconds": s + extra, "repeats": reps, "value": h, "note": "kNN + KL formula"})
    else:
        for job in ("kNN (k=3)", "kNN entropy (k=3)"):
            emit({"kind": "timing", "anchor": name, "job": job, "workload": w,
                  "skipped": "too slow for the budget at this size" if pairs > args.sk_max_pairs else "time budget"})
    run("ARI", ari, True, "labels vs an independent labelling")
    run("AMI", ami, float(k) * k * n <= args.sk_max_ami, "labels vs an independent labelling")


def sklearn_origin():
    """'1.2.1 Debian' or '1.9.1 PyPI': which scikit-learn (and so which BLAS
    and OpenMP build) is timed."""
    import sklearn
    where = "Debian" if os.path.abspath(sklearn.__file__).startswith("/usr/lib/python3/") else "PyPI"
    return f"{sklearn.__version__} {where}"


# ----------------------------------------------------------------- FAISS ---
def faiss_jobs(w, x, args, clock, threads):
    """FAISS (faiss-cpu) as a user would call it: IndexFlatL2 for the exact
    kNN, Kmeans on all points for Lloyd."""
    import faiss

    faiss.omp_set_num_threads(threads)
    n, d, k = bench_jobs.WORKLOADS[w]
    name = f"FAISS {faiss.__version__} ({threads} threads)"

    def knn():
        index = faiss.IndexFlatL2(d)
        index.add(x)
        dist, idx = index.search(x, KNN + 1)
        # drop each row's own entry (a duplicate may come first at distance 0)
        self_at = np.argmax(idx == np.arange(n)[:, None], axis=1)
        keep = np.ones_like(idx, dtype=bool)
        keep[np.arange(n), self_at] = False
        return np.sqrt(np.maximum(dist[keep].reshape(n, KNN), 0.0))

    def kmeans(iters):
        km = faiss.Kmeans(d, k, niter=iters, seed=0, max_points_per_centroid=n, min_points_per_centroid=1,
                          verbose=False)
        km.train(x)
        return km

    if clock.left() < 2:
        return
    s, reps, kth = time_cpu(knn, args.repeats, clock)
    emit({"kind": "timing", "anchor": name, "job": "kNN (k=3)", "workload": w, "seconds": s,
          "repeats": reps, "note": "IndexFlatL2.search k + 1, self dropped"})
    t0 = time.perf_counter()
    h = entropy_from(kth[:, KNN - 1], n, d)
    emit({"kind": "timing", "anchor": name, "job": "kNN entropy (k=3)", "workload": w,
          "seconds": s + time.perf_counter() - t0, "repeats": reps, "value": h,
          "note": "IndexFlatL2 kNN + KL formula"})
    if clock.left() < 2:
        return
    # per iteration: FAISS records the cumulative time after each iteration
    per_iter = []
    for _ in range(args.repeats):
        st = kmeans(11).iteration_stats
        per_iter.append((st[-1]["time"] - st[0]["time"]) / (len(st) - 1))  # seconds
    emit({"kind": "timing", "anchor": name, "job": "Lloyd iteration", "workload": w,
          "seconds": statistics.median(per_iter), "repeats": len(per_iter),
          "note": "faiss.Kmeans, all points, time per iteration from iteration_stats"})
    s, reps, km = time_cpu(lambda: kmeans(10), args.repeats, clock)
    emit({"kind": "timing", "anchor": name, "job": "k-means (++ and 10 Lloyd)", "workload": w,
          "seconds": s, "repeats": reps, "note": "faiss.Kmeans niter=10, all points (random init, not ++)"})


def entropy_from(kth_dist, n, d):
    """Kozachenko-Leonenko entropy (nats) from k-th neighbour distances."""
    from scipy.special import digamma
    log_vd = 0.5 * d * math.log(math.pi) - math.lgamma(0.5 * d + 1.0)
    return float(digamma(n) - digamma(KNN) + log_vd + d * np.mean(np.log(kth_dist.astype(np.float64))))


# --------------------------------------------------------------- PyTorch ---
def torch_jobs(w, x_host, labels_host, args, clock, device):
    import torch
    import torch_anchors as ta

    n, d = x_host.shape
    k = bench_jobs.WORKLOADS[w][2]
    name = "PyTorch " + ("GPU" if device.type == "cuda" else device.type)
    x = torch.from_numpy(x_host).to(device)
    labels = torch.from_numpy(labels_host).to(device)
    gen = torch.Generator(device=device)

    def emit_t(job, s, reps, value=None, note=None):
        rec = {"kind": "timing", "anchor": name, "job": job, "workload": w, "seconds": s, "repeats": reps}
        if value is not None:
            rec["value"] = value
        if note:
            rec["note"] = note
        emit(rec)

    def guarded(job):
        if clock.left() < 2:
            emit({"kind": "timing", "anchor": name, "job": job, "workload": w, "skipped": "time budget"})
            return False
        return True

    if guarded("k-means++ init"):
        def init():
            gen.manual_seed(0)
            return ta.kmeans_plusplus(x, k, gen)
        s, reps, centers = time_torch(torch, device, init, args.repeats, clock)
        emit_t("k-means++ init", s, reps, note=f"greedy, {bench_jobs.local_trials(k)} trials")
    else:
        centers = x[:k].clone()
    if guarded("Lloyd iteration"):
        s, reps, _ = time_torch(torch, device, lambda: ta.lloyd_iteration(x, centers), args.repeats, clock)
        emit_t("Lloyd iteration", s, reps, note="addmm + argmin + index_add_")
    if guarded("k-means (++ and 10 Lloyd)"):
        def fit():
            gen.manual_seed(0)
            c, lab = ta.kmeans(x, k, gen, 10)
            return c
        s, reps, c = time_torch(torch, device, fit, max(1, args.repeats - 2), clock)
        emit_t("k-means (++ and 10 Lloyd)", s, reps)
    # O(n^2) jobs: on large n, time the first rows against all points and scale.
    rows = min(n, args.torch_rows)
    scale = n / rows
    note = f"first {rows} rows x all {n}, scaled x{scale:.0f}" if rows < n else None
    if guarded("silhouette (exact)"):
        s, reps, total = time_torch(torch, device, lambda: ta.silhouette_sum(x, labels, k, rows)[0],
                                    1 if rows < n else args.repeats, clock)
        emit_t("silhouette (exact)", s * scale, reps, float(total) / rows, note)
    if guarded("kNN (k=3)"):
        s, reps, kth = time_torch(torch, device, lambda: ta.knn_kth_distance(x, KNN, rows),
                                  1 if rows < n else args.repeats, clock)
        emit_t("kNN (k=3)", s * scale, reps, None, (note + "; " if note else "") + "cdist + topk")
        t0 = time.perf_counter()
        h = ta.kl_entropy(kth, n, d, KNN)
        extra = time.perf_counter() - t0
        emit_t("kNN entropy (k=3)", s * scale + extra, reps, h if rows == n else None,
               (note + "; " if note else "") + "kNN + KL formula")


def numpy_load(w, data, args, clock):
    px = os.path.join(data, f"{w}_x.npy")
    pl = os.path.join(data, f"{w}_labels.npy")
    s, reps, _ = time_cpu(lambda: (np.load(px), np.load(pl)), args.repeats, clock, warm_up_below=float("inf"))
    emit({"kind": "timing", "anchor": f"NumPy {np.__version__} np.load", "job": "load .npy", "workload": w,
          "seconds": s, "repeats": reps, "note": "file in the page cache"})


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", required=True)
    p.add_argument("--workloads", required=True)
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    p.add_argument("--deadline-s", type=float, default=600.0)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--no-torch", action="store_true")
    p.add_argument("--torch-device", default=None)
    p.add_argument("--label-workloads", default="")
    p.add_argument("--torch-rows", type=int, default=20000,
                   help="rows timed (against all points) for the PyTorch O(n^2) jobs; the time is scaled to n")
    p.add_argument("--sk-max-pairs", type=float, default=2e9)
    p.add_argument("--sk-max-nkd", type=float, default=5e9, help="skip scikit-learn's k-means above n*k*d")
    p.add_argument("--sk-max-ami", type=float, default=1e11, help="skip scikit-learn's AMI above k*k*n")
    args = p.parse_args()
    clock = Clock(args.deadline_s)

    torch_device = None
    if not args.no_torch:
        try:
            import torch
            if args.torch_device:
                torch_device = torch.device(args.torch_device)
            elif args.device == "cuda" and torch.cuda.is_available():
                torch_device = torch.device("cuda")
            if torch_device is not None and torch_device.type == "cuda":
                torch.backends.cuda.matmul.allow_tf32 = False
                torch.backends.cudnn.allow_tf32 = False
        except ImportError:
            torch_device = None
    env = environment(torch_device)
    emit(env)
    # every core for scikit-learn's OpenMP loops and NumPy's BLAS (importing
    # torch may have lowered the OpenMP pool to one thread)
    threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()

    for w in [w for w in args.label_workloads.split(",") if w and w not in args.workloads.split(",")]:
        if env.get("sklearn"):
            from threadpoolctl import threadpool_limits
            labels = np.load(os.path.join(args.data, f"{w}_labels.npy"))
            with threadpool_limits(limits=threads):
                sklearn_jobs(w, None, labels, args, clock, threads, labels_only=True)
    for w in args.workloads.split(","):
        x = np.load(os.path.join(args.data, f"{w}_x.npy"))
        labels = np.load(os.path.join(args.data, f"{w}_labels.npy"))
        numpy_load(w, args.data, args, clock)
        if torch_device is not None:
            torch_jobs(w, x, labels, args, clock, torch_device)
            if torch_device.type == "cuda":
                import torch
                torch.cuda.empty_cache()
        if env.get("sklearn"):
            from threadpoolctl import threadpool_limits
            with threadpool_limits(limits=threads):
                sklearn_jobs(w, x, labels, args, clock, threads)
        if env.get("faiss"):
            faiss_jobs(w, x, args, clock, threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
