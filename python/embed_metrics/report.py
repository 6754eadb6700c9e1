"""The label-free report (the tool's `eval`) as a frozen dataclass."""

from __future__ import annotations

import dataclasses
import json
from typing import Callable, Optional

from . import _core
from ._inputs import as_labels, as_matrix, prepare

__all__ = ["Report", "evaluate", "METRIC_KEYS", "LABEL_KEYS", "REPORT_METRICS"]

#: The report's metrics as the library's registry lists them, in the tool's
#: order: dicts of key, unit, meaning, source, needs_labels, seed_dependent, step.
REPORT_METRICS = tuple(_core.report_metrics())
#: The label-free metrics, in the tool's order.
METRIC_KEYS = tuple(m["key"] for m in REPORT_METRICS if not m["needs_labels"])
#: The metrics that need labels.
LABEL_KEYS = tuple(m["key"] for m in REPORT_METRICS if m["needs_labels"])


@dataclasses.dataclass(frozen=True)
class Report:
    """The report of one set of embeddings; a part not computed is None. Its
    keys are those of `embed-metrics eval --format json`. A registry metric
    without a field here, and with seeds > 1 each seed-dependent metric's
    standard deviation (KEY_std), are read as attributes too (from extra)."""

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
    seeds: int = dataclasses.field(default=1, repr=False)
    extra: dict = dataclasses.field(default_factory=dict, repr=False, hash=False)

    def __getattr__(self, name):
        extra = self.__dict__.get("extra", {})
        if name in extra:
            return extra[name]
        if any(m["key"] == name for m in REPORT_METRICS):
            return None
        raise AttributeError(f"Report has no attribute {name!r}")

    def _metric_keys(self):
        keys = []
        for key in METRIC_KEYS + (LABEL_KEYS if self.with_labels else ()):
            keys.append(key)
            keys += [k for k in (key + "_std", key + "_reason") if k in self.extra]
        return keys

    def keys(self):
        """The keys of to_dict(), in the tool's order (label keys only with labels)."""
        head = ["n", "d", "k"] + (["seeds"] if self.seeds > 1 else [])
        return head + self._metric_keys() + ["device", "seconds"]

    def metrics(self) -> dict:
        """The metric values alone (no n, d, k, device, seconds), with their
        KEY_std spreads when seeds > 1; the KEY_reason texts of undefined
        metrics are left out, so every value is a number or None."""
        return {key: getattr(self, key) for key in self._metric_keys() if not key.endswith("_reason")}

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


def evaluate(X, labels=None, *, k=None, seed=0, seeds=1, metric="euclidean", normalize=False, kmeans_max_iter=300,
             knn_entropy_k=3, knn_classifier_k=20, clustering=True, entropy=True, spectrum=True,
             progress: Optional[Callable] = None, device=None, threads=None, copy=True, views=None,
             groups=None) -> Report:
    """The label-free report of embeddings X: k-means C1, C2 (seeds seed,
    seed + 1), silhouette of C1, AMI / ARI(C1; C2), kNN and Gaussian entropy,
    effective rank, inertia; with labels also AMI / ARI(C1; labels) and the
    leave-one-out kNN accuracy.

    k=None takes the number of distinct labels (labels are needed then).
    seeds=N runs the seed-dependent metrics (silhouette, AMI / ARI, inertia)
    over N seed pairs (seed + 2i, seed + 2i + 1) in one batched k-means call:
    each is then the mean, its standard deviation the attribute KEY_std.
    views: a second view of the same inputs (row i of X and of views is one
    input), for the metrics of two views; groups: a group id per row, for the
    metrics of groups.
    progress: a callable(step, done, total) called between steps, or True for
    a tqdm bar when tqdm is installed. Ctrl-C stops the report between steps
    with KeyboardInterrupt.
    views: a second view of the same images (row i of X and of views is one
    image) for the alignment; groups: the source image of each row (its
    augmented views share the id) for LiDAR. Without them those two metrics
    are None with a reason (KEY_reason); so is any metric undefined for X.
    """
    x, res = prepare(X, device=device, threads=threads, copy=copy)
    v = None
    if views is not None:
        v = as_matrix(views, name="views", copy=copy, device=None if res.is_cuda else "cpu")[0]
    g = None if groups is None else as_labels(groups, x.shape[0], name="groups")
    lab = None if labels is None else as_labels(labels, x.shape[0], keep_device=res.is_cuda)
    second = None
    if views is not None:
        second, _, _ = as_matrix(views, name="views", copy=copy, device="cuda" if res.is_cuda else "cpu")
    grp = None if groups is None else as_labels(groups, x.shape[0], name="groups", keep_device=res.is_cuda)
    r = res.evaluate(x, lab, 0 if k is None else int(k), int(seed), int(seeds), str(metric), bool(normalize),
                       int(kmeans_max_iter), int(knn_entropy_k), int(knn_classifier_k), bool(clustering),
                       bool(entropy), bool(spectrum), _progress_callback(progress), v, g)
    fields = {f.name for f in dataclasses.fields(Report)}
    known = {key: value for key, value in r.items() if key in fields}
    extra = {key: value for key, value in r.items() if key not in fields}
    return Report(**known, with_labels=labels is not None, extra=extra)
