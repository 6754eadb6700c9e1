"""k-means with scikit-learn's KMeans interface."""

from __future__ import annotations

import numpy as np

from ._inputs import as_matrix, prepare
from .errors import InvalidArgumentError
from .metrics import _seed

__all__ = ["KMeans"]


class KMeans:
    """k-means++ (or random, or given) seeding and batched Lloyd iterations.

    Parameters follow sklearn.cluster.KMeans: n_clusters, init ("k-means++",
    "random" or an (n_clusters, n_features) array), n_init (an int, or "auto":
    1 run for k-means++ or given centres, 10 for random), max_iter, tol (on the
    squared centre shift, relative to the mean feature variance) and
    random_state (an int; None draws one). metric="cosine" runs spherical
    k-means. device, threads and copy as for every function of the package.
    The same random_state gives the same labels on the same device and build,
    but not scikit-learn's labels (the random streams differ).

    After fit: labels_ (int64), cluster_centers_ (float32), inertia_, n_iter_,
    n_features_in_, converged_.
    """

    def __init__(self, n_clusters=8, *, init="k-means++", n_init="auto", max_iter=300, tol=1e-4,
                 random_state=None, metric="euclidean", device=None, threads=None, copy=True):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.metric = metric
        self.device = device
        self.threads = threads
        self.copy = copy

    def _n_init(self, given: bool) -> int:
        if self.n_init == "auto":
            return 1 if given or self.init == "k-means++" else 10
        n = int(self.n_init)
        if n < 1:
            raise InvalidArgumentError(f"n_init = {self.n_init}: use 'auto' or a positive count")
        return n

    def fit(self, X, y=None, sample_weight=None):
        """Cluster X; returns self."""
        if sample_weight is not None:
            raise InvalidArgumentError("sample_weight: weighted k-means is not supported; pass None")
        x, res = prepare(X, device=self.device, threads=self.threads, copy=self.copy)
        given = not isinstance(self.init, str)
        centers = None
        if given:
            centers = np.ascontiguousarray(np.asarray(self.init), dtype=np.float32)
        init = "given" if given else self.init
        out = res.kmeans(x, int(self.n_clusters), init, centers, self._n_init(given), int(self.max_iter),
                           float(self.tol), _seed(self.random_state), self.metric)
        self.cluster_centers_, self.labels_, self.inertia_, self.n_iter_, self.converged_, self.seed_ = out
        self.n_features_in_ = int(x.shape[1])
        return self

    def fit_predict(self, X, y=None, sample_weight=None) -> np.ndarray:
        """fit(X) and return labels_."""
        return self.fit(X, sample_weight=sample_weight).labels_

    def predict(self, X) -> np.ndarray:
        """The nearest of cluster_centers_ for each row of X."""
        if not hasattr(self, "cluster_centers_"):
            raise InvalidArgumentError("this KMeans is not fitted yet: call fit(X) before predict(X)")
        x, res = prepare(X, device=self.device, threads=self.threads, copy=self.copy)
        centers, _, _ = as_matrix(self.cluster_centers_, name="cluster_centers_")
        return res.kmeans_predict(x, centers, self.metric)

    def __repr__(self) -> str:
        return f"KMeans(n_clusters={self.n_clusters}, init={self.init!r}, n_init={self.n_init!r}, " \
               f"max_iter={self.max_iter}, tol={self.tol}, random_state={self.random_state!r})"
