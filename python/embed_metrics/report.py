"""The label-free report (the tool's `eval`) as a frozen dataclass."""

from __future__ import annotations

import dataclasses
import json
from typing import Callable, Optional

from ._inputs import as_labels, prepare

__all__ = ["Report", "evaluate", "METRIC_KEYS", "LABEL_KEYS"]

#: The label-free metrics, in the tool's order.
METRIC_KEYS = ("silhouette", "ami_c1_c2", "ari_c1_c2", "knn_entropy", "gaussian_entropy", "effective_rank",
               "inertia")
#: The metrics that need labels.
LABEL_KEYS = ("ami_c1_gt", "ari_c1_gt", "knn_accuracy")


@dataclasses.dataclass(frozen=True)
class Report:
    """The report of one set of embeddings; a part not computed is None. Its
    keys are those of `embed-metrics eval --format json`."""

    n: int
    d: int
    k: int
    silhouette: Optional[float] = None
    ami_c1_c2: Optional[float] = None
    ari_c1_c2: Optional[float] = None
    knn_entropy: Optional[float] = None
    gaussian_entropy: Optional[float] = None
    effective_rank: Optional[float] = None
    inertia: Optional[float] = None
    ami_c1_gt: Optional[float] = None
    ari_c1_gt: Optional[float] = None
    knn_accuracy: Optional[float] = None
    device: str = "cpu"
    seconds: float = 0.0
    with_labels: bool = dataclasses.field(default=False, repr=False)

    def keys(self):
        """The keys of to_dict(), in the tool's order (label keys only with labels)."""
        keys = ["n", "d", "k", *METRIC_KEYS]
        if self.with_labels:
            keys += LABEL_KEYS
        return keys + ["device", "seconds"]

    def metrics(self) -> dict:
        """The metric values alone (no n, d, k, device, seconds)."""
        keys = METRIC_KEYS + (LABEL_KEYS if self.with_labels else ())
        return {key: getattr(self, key) for key in keys}

    def to_dict(self, prefix: str = "", *, metrics_only: bool = False) -> dict:
        """The report as a dict, each key prefixed (e.g. prefix="embed/" for a logger)."""
        keys = self.metrics().keys() if metrics_only else self.keys()
        return {prefix + key: getattr(self, key) for key in keys}

    def to_json(self, **kwargs) -> str:
        """The JSON object the tool prints (None as null)."""
        return json.dumps(self.to_dict(), **kwargs)

    def __str__(self) -> str:
        d = self.to_dict()
        width = max(len(key) for key in d)
        lines = []
        for key, value in d.items():
            if value is None:
                text = "-"
            elif isinstance(value, float):
                text = f"{value:.6g}"
            else:
                text = str(value)
            lines.append(f"{key}{' ' * (width - len(key) + 2)}{text}")
        return "\n".join(lines)


def _progress_callback(progress):
    if progress is None or progress is False:
        return None
    if progress is True:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            return None
        bar = {}

        def update(step, done, total):
            if "bar" not in bar:
                bar["bar"] = tqdm(total=total, desc="embed_metrics", leave=False)
            b = bar["bar"]
            b.set_postfix_str(step)
            b.update(done - b.n)
            if done >= total:
                b.close()

        return update
    return progress


def evaluate(X, labels=None, *, k=None, seed=0, metric="euclidean", normalize=False, kmeans_max_iter=300,
             knn_entropy_k=3, knn_classifier_k=20, clustering=True, entropy=True, spectrum=True,
             progress: Optional[Callable] = None, device=None, threads=None, copy=True) -> Report:
    """The label-free report of embeddings X: k-means C1, C2 (seeds seed,
    seed + 1), silhouette of C1, AMI / ARI(C1; C2), kNN and Gaussian entropy,
    effective rank, inertia; with labels also AMI / ARI(C1; labels) and the
    leave-one-out kNN accuracy.

    k=None takes the number of distinct labels (labels are needed then).
    progress: a callable(step, done, total) called between steps, or True for
    a tqdm bar when tqdm is installed. Ctrl-C stops the report between steps
    with KeyboardInterrupt.
    """
    x, res = prepare(X, device=device, threads=threads, copy=copy)
    lab = None if labels is None else as_labels(labels, x.shape[0], keep_device=res.is_cuda)
    r = res.evaluate(x, lab, 0 if k is None else int(k), int(seed), metric, bool(normalize),
                       int(kmeans_max_iter), int(knn_entropy_k), int(knn_classifier_k), bool(clustering),
                       bool(entropy), bool(spectrum), _progress_callback(progress))
    return Report(**r, with_labels=labels is not None)
