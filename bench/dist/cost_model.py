"""The cost model of the distributed metrics (docs/scale-out.md): bytes sent
per rank and sequential communication steps, from the algorithms as built
(src/dist), and the time those take at a link's bandwidth and latency.
Compute time is the per-rank fp32 work at a GPU's rate (a GPU version of the
same algorithm; the CPU code here is slower). Plain Python, no NumPy.

  python3 bench/dist/cost_model.py            the tables of docs/scale-out.md
  python3 bench/dist/cost_model.py --check N D K P   bytes for one case
"""
import math
import sys

LINKS = {
    # name: (GB/s per GPU per direction, latency of one collective step in s)
    # NVLink 4 (H100 SXM): 900 GB/s total, 450 GB/s each way; NCCL reaches
    # about 80 % of it; a step a few microseconds.
    "NVLink (8 GPUs, one node)": (0.8 * 450e9, 5e-6),
    # InfiniBand NDR, one 400 Gb/s ConnectX-7 port per GPU = 50 GB/s each
    # way; about 90 % usable; a step over the switch about 10 microseconds.
    "InfiniBand NDR (64 GPUs, 8 nodes)": (0.9 * 50e9, 10e-6),
}
FP32 = 51.8e12 * 0.5  # half the measured H100 fp32 GEMM ceiling (bench docs)


def ring_allreduce(bytes_, p):
    return (2 * bytes_ * (p - 1) / p, 2 * (p - 1)) if p > 1 else (0, 0)


def costs(n, d, k, p, lloyd_iters=20, knn_k=3, knn_acc_k=20, views_per_group=8):
    """(bytes per rank, steps, flops per rank) of each metric."""
    b = n / p
    out = {}
    by, st = ring_allreduce(8 * k * k, p)
    out["agreement"] = (by + 2 * 8 * k * (p - 1), st + 2 * (p - 1), 0)
    by, st = ring_allreduce(12 * d * (d + 1) + 24 * d, p)
    out["gaussian_entropy / effective_rank"] = (by, st, b * d * d)
    t = 2 + math.floor(math.log(k))
    # k-means++: per centre, t draws (an all-gather of 24 B and a max, then
    # the row, d doubles, all-reduced) and the trials' potentials (24 t B).
    draw_b, draw_s = ring_allreduce(8 * d, p)
    pp_bytes = k * (t * (24 * (p - 1) + 2 * 8 * (p - 1) / p + draw_b) + ring_allreduce(24 * t + 24, p)[0])
    pp_steps = k * (t * ((p - 1) + 2 * (p - 1) + draw_s) + 2 * ring_allreduce(24, p)[1])
    pp_flops = k * t * b * 3 * d
    it_b, it_s = ring_allreduce(24 * k * d + 8 * k + 8, p)
    out["k-means++ init"] = (pp_bytes, pp_steps, pp_flops)
    out[f"Lloyd x{lloyd_iters}"] = (lloyd_iters * it_b, lloyd_iters * it_s, lloyd_iters * 2 * b * k * d)
    half = p // 2
    # The ring as built: the rows (4 d + 8 bytes a row) travel alone, the next
    # block posted before the current one is measured; each visited block's
    # state (8 w bytes a row) goes straight home after its step. The busiest
    # rank sends floor(P/2) blocks of rows and floor(P/2) states; the states
    # travel while the next block is measured, so the sequential steps are
    # floor(P/2) + 1.
    def ring(state_bytes):
        return half * b * (4 * d + 8 + state_bytes), half + 1

    pair_flops = n * n / (2 * p) * 3 * d
    by, st = ring(24 * k)
    out["silhouette (ring, pairs once)"] = (by, st, pair_flops)
    out["silhouette (ring, pairs twice)"] = ((p - 1) * b * (4 * d + 8), p - 1, n * n / p * 3 * d)
    by, st = ring(8 * knn_k)
    out["kNN entropy (ring)"] = (by, st, pair_flops)
    by, st = ring(24 * knn_acc_k)
    out[f"kNN accuracy k={knn_acc_k} (ring)"] = (by, st, pair_flops)
    by, st = ring(0)
    out["uniformity (ring)"] = (by, st, pair_flops)
    # The label-free sums: all-reduces of exact sums (24 bytes a value).
    by, st = ring_allreduce(12 * d * (d + 1) + 24 * d + 8 * d, p)
    out["spectrum: alpha-ReQ, NESum"] = (by, st + 2 * (p - 1), b * d * d)
    by, st = ring_allreduce(8 * k + 24 * k * d + 2 * 24 * k, p)
    out["Davies-Bouldin / Calinski-Harabasz"] = (by + 8 * k * (p - 1), st + (p - 1), 2 * b * d)
    by, st = ring_allreduce(2 * 24 * d, p)
    out["collapse std"] = (by, st, 2 * b * d)
    by, st = ring_allreduce(24, p)
    out["alignment"] = (by, st, 3 * b * d)
    g = n / views_per_group
    # counts and the within-group scatter once; the g x d group sums twice
    # (the scatter's pass, then the between-group pass), in chunks of 2^20
    # values, so a rank holds one chunk of them, never all g d.
    chunks = math.ceil(g / max(1, 2 ** 20 // d))
    by, st = ring_allreduce(8 * g + 12 * d * (d + 1), p)
    by_sums, _ = ring_allreduce(24 * g * d, p)
    _, st_chunk = ring_allreduce(1, p)
    # the group ids: each rank all-gathers its distinct ones (about g / P)
    out[f"LiDAR ({views_per_group} views a group)"] = (by + 2 * by_sums + 8 * g / p * (p - 1),
                                                       st + 2 * chunks * st_chunk + (p - 1), b * d * d)
    return out


def table(name, n, d, k):
    print(f"\n### {name}: n = {n:.0e}, d = {d}, k = {k}\n")
    print("| metric | P | link | bytes per rank | steps | comm time | compute time (GPU fp32) |")
    print("|---|---|---|---|---|---|---|")
    for link, (bw, lat) in LINKS.items():
        p = 8 if link.startswith("NVLink") else 64
        for metric, (by, st, fl) in costs(n, d, k, p).items():
            comm = by / bw + st * lat
            print(f"| {metric} | {p} | {link.split(' (')[0]} | {by / 1e9:.3g} GB | {st:.0f} | "
                  f"{comm:.3g} s | {fl / FP32:.3g} s |")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        n, d, k, p = map(int, sys.argv[2:6])
        for metric, (by, st, _) in costs(n, d, k, p).items():
            print(f"{metric}: {by:.0f} bytes, {st:.0f} steps")
        sys.exit(0)
    table("W3", 10**6, 256, 1000)
    table("10^8 rows", 10**8, 256, 1000)
