#!/usr/bin/env python3
"""One whole peer process for bench/whole_command.py: what a user would run
in Python instead of an `embed-metrics` command, imports included.

    python bench/peer_command.py kmeans|silhouette|eval X.npy LABELS.npy --k K [--faiss]

kmeans: scikit-learn KMeans (k-means++, n_init=1, max_iter=10), or with
--faiss faiss.Kmeans (niter=10, all points). silhouette: silhouette_score.
eval: what `embed-metrics eval` reports: two k-means runs, their ARI / AMI
and against the labels, the exact silhouette, the kNN (k=3) entropy and the
leave-one-out kNN (k=20) accuracy from one neighbour search, the Gaussian
entropy and the effective rank. Prints one JSON line."""

import argparse
import json
import math
import sys


def kmeans_labels(x, k, seed, use_faiss):
    if use_faiss:
        import faiss
        km = faiss.Kmeans(x.shape[1], k, niter=10, seed=seed, max_points_per_centroid=x.shape[0],
                          min_points_per_centroid=1, verbose=False)
        km.train(x)
        return km.index.search(x, 1)[1][:, 0], float(km.obj[-1])
    from sklearn.cluster import KMeans
    km = KMeans(n_clusters=k, init="k-means++", n_init=1, max_iter=10, random_state=seed).fit(x)
    return km.labels_, float(km.inertia_)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("job", choices=["kmeans", "silhouette", "eval"])
    p.add_argument("x")
    p.add_argument("labels")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--faiss", action="store_true")
    a = p.parse_args()

    import numpy as np

    x = np.load(a.x)
    out = {}
    if a.job == "kmeans":
        _, out["inertia"] = kmeans_labels(x, a.k, 0, a.faiss)
    elif a.job == "silhouette":
        from sklearn.metrics import silhouette_score
        out["silhouette"] = float(silhouette_score(x, np.load(a.labels)))
    else:
        from scipy.special import digamma
        from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score, silhouette_score
        from sklearn.neighbors import NearestNeighbors
        gt = np.load(a.labels)
        n, d = x.shape
        c1, out["inertia"] = kmeans_labels(x, a.k, 0, False)
        c2, _ = kmeans_labels(x, a.k, 1, False)
        out["silhouette"] = float(silhouette_score(x, c1))
        out["ami_c1_c2"] = float(adjusted_mutual_info_score(c1, c2))
        out["ari_c1_c2"] = float(adjusted_rand_score(c1, c2))
        out["ami_c1_gt"] = float(adjusted_mutual_info_score(c1, gt))
        out["ari_c1_gt"] = float(adjusted_rand_score(c1, gt))
        dist, idx = NearestNeighbors(n_neighbors=21).fit(x).kneighbors(x)
        dist, idx = dist[:, 1:], idx[:, 1:]  # self first (no duplicates in these workloads)
        log_vd = 0.5 * d * math.log(math.pi) - math.lgamma(0.5 * d + 1.0)
        out["knn_entropy"] = float(digamma(n) - digamma(3) + log_vd + d * np.mean(np.log(dist[:, 2])))
        votes = gt[idx]
        pred = np.array([np.bincount(v).argmax() for v in votes])
        out["knn_accuracy"] = float(np.mean(pred == gt))
        cov = np.cov(x.astype(np.float64), rowvar=False)
        out["gaussian_entropy"] = float(0.5 * (d * (1.0 + math.log(2 * math.pi)) + np.linalg.slogdet(cov)[1]))
        w = np.clip(np.linalg.eigvalsh(cov), 0.0, None)
        pw = w / w.sum()
        pw = pw[pw > 0]
        out["effective_rank"] = float(np.exp(-np.sum(pw * np.log(pw))))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
