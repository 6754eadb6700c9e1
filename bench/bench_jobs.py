"""The jobs compared by bench/compare.py: their names, the work each does
(flop and bytes, for the floor), and how a Google Benchmark name of em_bench
maps to a job, a workload and a device."""

import math
import re

# name: (n, d, k), as in bench/workloads.hpp and benchmarks.md
WORKLOADS = {
    "W0": (2000, 64, 10),
    "W1": (10000, 512, 10),
    "W2": (50000, 2048, 1000),
    "W3": (1000000, 256, 1000),
}

KNN_K = 3  # neighbours of the kNN jobs and of the Kozachenko-Leonenko entropy

JOBS = [
    "k-means++ init",
    "Lloyd iteration",
    "k-means (++ and 10 Lloyd)",
    "silhouette (exact)",
    "kNN (k=3)",
    "kNN entropy (k=3)",
    "ARI",
    "AMI",
    "load .npy",
]


LABEL_JOBS = ("ARI", "AMI")  # jobs that need only the labels


def job_order(job):
    return JOBS.index(job) if job in JOBS else len(JOBS)


def local_trials(k):
    """Candidates per greedy k-means++ step (scikit-learn, cuML)."""
    return 2 + int(math.log(k))


def work(job, n, d, k):
    """(flop, bytes) that any implementation must do for the job: the floor
    is max(flop / SGEMM rate, bytes / bandwidth). None where it does not apply."""
    x_bytes = 4.0 * n * d
    if job == "k-means++ init":
        # each of the k greedy steps scores L candidates against all n points
        # (one n x L x d product) and has to read the n x d matrix again
        return 2.0 * n * d * k * local_trials(k), k * x_bytes
    if job == "Lloyd iteration":
        return 2.0 * n * k * d, x_bytes
    if job == "k-means (++ and 10 Lloyd)":
        return 2.0 * n * d * k * (local_trials(k) + 10), (k + 10) * x_bytes
    if job in ("silhouette (exact)", "kNN (k=3)", "kNN entropy (k=3)"):
        # the benchmark page's floor: all n^2 distances as one GEMM, 2 n^2 d
        # flop. A symmetric kernel (our silhouette) computes each pair once
        # and can beat it: floor/ours above 1.
        return 2.0 * n * n * d, x_bytes
    if job in ("ARI", "AMI"):
        return None, 2.0 * 8 * n  # two int64 label vectors
    if job == "load .npy":
        return None, 2.0 * (x_bytes + 8.0 * n)  # read the file and write the matrix
    return None, None


_W = re.compile(r"(?:^|[^a-z0-9])w([0-3])(?![0-9])")


def _workload_from_args(low):
    """A workload named by its sizes in Google Benchmark's ArgNames
    ('.../n:1000000/k:1000/...'): the one whose n (and k, d when given) match."""
    args = dict(re.findall(r"(?:^|/)([a-z]+):(\d+)", low))
    if "n" not in args:
        return None
    for w, (n, d, k) in WORKLOADS.items():
        if int(args["n"]) == n and int(args.get("k", k)) == k and int(args.get("d", d)) == d:
            return w
    return None


def classify(name, label=""):
    """{'ceiling', 'device', 'workload', 'job'} of one em_bench benchmark name,
    read from its words: 'gpu'/'cuda' means the GPU, 'W1' the workload (in
    the name, in the sizes of its ArgNames, or in the label the benchmark
    set, known once it has run). GEMM-rate benchmarks are no job."""
    low = name.lower()
    words = set(re.split(r"[^a-z0-9+]+", low))
    device = "cuda" if ("gpu" in low or "cuda" in low) else "cpu"
    m = _W.search(low)
    workload = f"W{m.group(1)}" if m else _workload_from_args(low)
    first = (label or "").split()[:1]
    if workload is None and first and first[0] in WORKLOADS:
        workload = first[0]
    info = {"ceiling": "ceiling" in low, "device": device, "workload": workload, "job": None}
    if info["ceiling"] or "sgemm" in low or words & {"floor", "rate"}:
        return info
    approximate = words & {"sampled", "simplified", "centroid", "approx", "approximate"}
    if "kmeans" in low or "k_means" in low:
        if words & {"pp", "plusplus", "kmeanspp", "init", "seeding", "kmeans++"} or "plusplus" in low or "kmeanspp" in low:
            info["job"] = "k-means++ init"
        elif "lloyd" in low:
            info["job"] = "Lloyd iteration"
        elif not words & {"batch", "seeds", "spherical", "cosine"}:
            info["job"] = "k-means (++ and 10 Lloyd)"
    elif "lloyd" in low:
        info["job"] = "Lloyd iteration"
    elif "silhouette" in low:
        if not approximate and not words & {"cosine", "sqeuclidean"}:
            info["job"] = "silhouette (exact)"
    elif "entropy" in low:
        if words & {"knn", "kl", "kozachenko"} or "knn" in low:
            info["job"] = "kNN entropy (k=3)"
    elif "knn" in low:
        info["job"] = "kNN (k=3)"
    elif "ami" in words or "agreement" in words:
        # the agreement benchmarks build the contingency table and every
        # score from it, AMI included
        info["job"] = "AMI"
    elif "ari" in words:
        info["job"] = "ARI"
    elif "load" in low or "npy" in low:
        info["job"] = "load .npy"
    return info
