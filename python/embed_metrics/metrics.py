"""Silhouette and agreement scores, named and shaped as scikit-learn's
``sklearn.metrics`` functions so that an import can be swapped."""

from __future__ import annotations

import numpy as np

from ._inputs import as_labels, prepare, resources

__all__ = [
    "silhouette_score", "silhouette_samples", "adjusted_rand_score", "adjusted_mutual_info_score",
    "normalized_mutual_info_score", "mutual_info_score", "homogeneity_score", "completeness_score",
    "v_measure_score", "homogeneity_completeness_v_measure", "fowlkes_mallows_score", "agreement",
]


def _seed(random_state) -> int:
    if random_state is None:
        return int(np.random.randint(0, 2**31 - 1))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**31 - 1))
    return int(random_state)


def silhouette_score(X, labels, *, metric="euclidean", sample_size=None, random_state=None,
                     device=None, threads=None, copy=True) -> float:
    """Mean silhouette coefficient, exact over all pairs (as sklearn.metrics.silhouette_score).

    metric: "euclidean", "cosine" or "sqeuclidean". sample_size: score a random
    sample of that many rows (an approximation, as scikit-learn's; the sample
    differs from scikit-learn's for the same random_state). device=None runs
    where X lives; threads=None follows torch.get_num_threads() when torch is
    imported; copy=False refuses inputs that are not float32 with contiguous rows.
    """
    x, res = prepare(X, device=device, threads=threads, copy=copy)
    lab = as_labels(labels, x.shape[0], keep_device=res.is_cuda)
    if sample_size is None:
        return res.silhouette(x, lab, metric, False, "exact", 0, 0)[0]
    return res.silhouette(x, lab, metric, False, "sampled", int(sample_size), _seed(random_state))[0]


def silhouette_samples(X, labels, *, metric="euclidean", device=None, threads=None, copy=True) -> np.ndarray:
    """Silhouette coefficient of each row, float64 (as sklearn.metrics.silhouette_samples)."""
    x, res = prepare(X, device=device, threads=threads, copy=copy)
    lab = as_labels(labels, x.shape[0], keep_device=res.is_cuda)
    return res.silhouette(x, lab, metric, True, "exact", 0, 0)[1]


def agreement(labels_true, labels_pred, *, average_method="arithmetic", beta=1.0, accuracy=True,
              threads=None) -> dict:
    """Every agreement score of two labelings at once (one contingency table):
    ari, ami, nmi, mi, homogeneity, completeness, v_measure, fowlkes_mallows,
    purity, accuracy (Hungarian-matched), entropies and the expected MI."""
    a = as_labels(labels_true, name="labels_true")
    b = as_labels(labels_pred, a.shape[0], name="labels_pred")
    return resources("cpu", threads).agreement(a, b, average_method, float(beta), accuracy)


def _scores(labels_true, labels_pred, average_method="arithmetic", beta=1.0):
    return agreement(labels_true, labels_pred, average_method=average_method, beta=beta, accuracy=False)


def adjusted_rand_score(labels_true, labels_pred) -> float:
    """Adjusted Rand index."""
    return _scores(labels_true, labels_pred)["ari"]


def adjusted_mutual_info_score(labels_true, labels_pred, *, average_method="arithmetic") -> float:
    """Adjusted mutual information; average_method: arithmetic, geometric, min, max."""
    return _scores(labels_true, labels_pred, average_method)["ami"]


def normalized_mutual_info_score(labels_true, labels_pred, *, average_method="arithmetic") -> float:
    """Normalised mutual information; average_method: arithmetic, geometric, min, max."""
    return _scores(labels_true, labels_pred, average_method)["nmi"]


def mutual_info_score(labels_true, labels_pred) -> float:
    """Mutual information, nats."""
    return _scores(labels_true, labels_pred)["mi"]


def homogeneity_completeness_v_measure(labels_true, labels_pred, *, beta=1.0):
    """(homogeneity, completeness, V-measure)."""
    s = _scores(labels_true, labels_pred, beta=beta)
    return s["homogeneity"], s["completeness"], s["v_measure"]


def homogeneity_score(labels_true, labels_pred) -> float:
    """Homogeneity: each cluster holds members of one class only."""
    return _scores(labels_true, labels_pred)["homogeneity"]


def completeness_score(labels_true, labels_pred) -> float:
    """Completeness: all members of a class are in one cluster."""
    return _scores(labels_true, labels_pred)["completeness"]


def v_measure_score(labels_true, labels_pred, *, beta=1.0) -> float:
    """V-measure: weighted harmonic mean of homogeneity and completeness."""
    return _scores(labels_true, labels_pred, beta=beta)["v_measure"]


def fowlkes_mallows_score(labels_true, labels_pred) -> float:
    """Fowlkes-Mallows index: geometric mean of pair precision and recall."""
    return _scores(labels_true, labels_pred)["fowlkes_mallows"]
