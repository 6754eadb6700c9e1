"""PyTorch formulations of the jobs, as a user of PyTorch would write them on
a GPU: the anchors bench/compare.py times against embed-metrics' CUDA
backend. Plain tensor code, fp32 throughout (TF32 is switched off by the
caller), no custom kernels.

- Lloyd iteration: distances from one addmm (||c||^2 - 2 x.c; ||x||^2 does
  not change the argmin), argmin, centers from index_add_ and bincount.
- k-means++: greedy, 2 + floor(ln k) candidates a step drawn by
  torch.multinomial in proportion to the current squared distances, each
  candidate's potential from one addmm; no host round trip per center.
- Exact silhouette: rows in blocks; torch.cdist of a block against all
  points, then one product with the one-hot label matrix gives each row's
  distance sums per cluster.
- kNN: cdist blocks and topk; the Kozachenko-Leonenko entropy from the
  distance to the k-th neighbour.
"""

import math

import torch


def sqnorms(x):
    return (x * x).sum(dim=1)


def lloyd_iteration(x, centers):
    """One Lloyd step: returns (new centers, labels)."""
    k = centers.shape[0]
    dist = torch.addmm(sqnorms(centers).unsqueeze(0), x, centers.t(), beta=1.0, alpha=-2.0)
    labels = dist.argmin(dim=1)
    sums = torch.zeros_like(centers).index_add_(0, labels, x)
    counts = torch.bincount(labels, minlength=k).to(x.dtype)
    # an empty cluster keeps its old center
    new = torch.where(counts.unsqueeze(1) > 0, sums / counts.clamp_min(1).unsqueeze(1), centers)
    return new, labels


def kmeans_plusplus(x, k, generator):
    """Greedy k-means++ seeding (as scikit-learn's), entirely on the device."""
    n, d = x.shape
    trials = 2 + int(math.log(k))
    xsq = sqnorms(x)
    centers = torch.empty((k, d), dtype=x.dtype, device=x.device)
    first = torch.randint(n, (1,), device=x.device, generator=generator)
    centers[0] = x[first[0]]
    closest = (xsq - 2.0 * (x @ centers[0]) + xsq[first[0]]).clamp_min_(0.0)
    for c in range(1, k):
        cand = torch.multinomial(closest, trials, replacement=True, generator=generator)
        # trials x n squared distances from the candidates to every point
        cd = torch.addmm(xsq.unsqueeze(0), x[cand], x.t(), beta=1.0, alpha=-2.0)
        cd.add_(xsq[cand].unsqueeze(1)).clamp_min_(0.0)
        torch.minimum(cd, closest.unsqueeze(0), out=cd)
        best = cd.sum(dim=1).argmin()
        closest = cd[best]
        centers[c] = x[cand[best]]
    return centers


def kmeans(x, k, generator, iterations=10):
    """k-means++ then a fixed number of Lloyd iterations."""
    centers = kmeans_plusplus(x, k, generator)
    labels = None
    for _ in range(iterations):
        centers, labels = lloyd_iteration(x, centers)
    return centers, labels


def block_rows(n, budget_bytes=2 << 30):
    """Rows per block so that a block x n distance matrix stays near 2 GiB."""
    return max(1, min(n, budget_bytes // (4 * n)))


def silhouette_sum(x, labels, k, rows=None):
    """Sum of the silhouette values of the first `rows` points (all by
    default) with respect to all n points; returns (sum, rows)."""
    n = x.shape[0]
    rows = n if rows is None else min(rows, n)
    onehot = torch.zeros((n, k), dtype=x.dtype, device=x.device)
    onehot.scatter_(1, labels.unsqueeze(1), 1.0)
    counts = onehot.sum(dim=0)
    total = torch.zeros((), dtype=torch.float64, device=x.device)
    step = block_rows(n)
    for r0 in range(0, rows, step):
        r1 = min(rows, r0 + step)
        dist = torch.cdist(x[r0:r1], x)
        sums = dist @ onehot  # block x k: distance sums per cluster
        own = labels[r0:r1]
        own_count = counts[own]
        a = sums.gather(1, own.unsqueeze(1)).squeeze(1) / (own_count - 1).clamp_min(1)
        mean_other = sums / counts.clamp_min(1)
        mean_other.scatter_(1, own.unsqueeze(1), float("inf"))
        b = mean_other.min(dim=1).values
        s = (b - a) / torch.maximum(a, b)
        s = torch.where(own_count > 1, s, torch.zeros_like(s))
        total += s.to(torch.float64).sum()
    return total, rows


def knn_kth_distance(x, kth, rows=None):
    """Distance of each of the first `rows` points to its kth nearest other
    point (the point itself is the nearest at distance 0)."""
    n = x.shape[0]
    rows = n if rows is None else min(rows, n)
    out = torch.empty(rows, dtype=x.dtype, device=x.device)
    step = block_rows(n)
    for r0 in range(0, rows, step):
        r1 = min(rows, r0 + step)
        dist = torch.cdist(x[r0:r1], x)
        vals = torch.topk(dist, kth + 1, dim=1, largest=False, sorted=True).values
        out[r0:r1] = vals[:, kth]
    return out


def kl_entropy(kth_dist, n, d, kth):
    """Kozachenko-Leonenko entropy estimate (nats) from the k-th neighbour
    distances: psi(n) - psi(k) + log V_d + d * mean(log r)."""
    log_vd = 0.5 * d * math.log(math.pi) - math.lgamma(0.5 * d + 1.0)
    mean_log = torch.log(kth_dist.to(torch.float64)).mean()
    return torch.special.digamma(torch.tensor(float(n), dtype=torch.float64)).item() - \
        torch.special.digamma(torch.tensor(float(kth), dtype=torch.float64)).item() + \
        log_vd + d * mean_log.item()
