"""The report per epoch of a training run, written to CSV and JSON Lines as
it goes, correlated with the linear-probe accuracy, and plotted."""

from __future__ import annotations

import csv
import json
import math
import os
from typing import Optional

from . import _core
from .errors import InvalidArgumentError
from .report import LABEL_KEYS, METRIC_KEYS, Report, evaluate

__all__ = ["Tracker", "correlate"]

_COLUMNS = ["epoch", "lp_acc", "n", "d", "k", *METRIC_KEYS, *LABEL_KEYS, "device", "seconds"]


def correlate(x, y) -> dict:
    """Pearson, Spearman and Kendall (tau-b) correlation of two sequences."""
    return _core.correlate([float(v) for v in x], [float(v) for v in y])


class Tracker:
    """Keeps the report of every epoch.

    ``tracker.update(epoch, embeddings, labels=None, lp_acc=None)`` computes
    the report (evaluate() with the keyword arguments given here) and appends
    a row to ``<directory>/<name>.csv`` and ``<name>.jsonl`` at once, flushed
    to disk, so that an interrupted run loses nothing; a run resumed in the
    same directory appends. ``correlation()`` relates each metric to the
    linear-probe accuracy; ``plot()`` draws the curves (matplotlib is imported
    only then). directory=None keeps everything in memory.
    """

    def __init__(self, directory: Optional[str] = None, *, name: str = "embed_metrics", csv: bool = True,
                 jsonl: bool = True, **evaluate_kwargs):
        self.directory = directory
        self.name = name
        self.evaluate_kwargs = evaluate_kwargs
        self.history: list[dict] = []
        self.csv_path = self.jsonl_path = None
        if directory is not None:
            os.makedirs(directory, exist_ok=True)
            if csv:
                self.csv_path = os.path.join(directory, name + ".csv")
            if jsonl:
                self.jsonl_path = os.path.join(directory, name + ".jsonl")

    def update(self, epoch: int, embeddings, labels=None, *, lp_acc: Optional[float] = None, **overrides) -> Report:
        """Compute the report of this epoch's embeddings, record and write it."""
        kwargs = {**self.evaluate_kwargs, **overrides}
        report = evaluate(embeddings, labels, **kwargs)
        self.log(epoch, report, lp_acc=lp_acc)
        return report

    def log(self, epoch: int, report: Report, *, lp_acc: Optional[float] = None) -> dict:
        """Record a report computed elsewhere."""
        row = {"epoch": int(epoch), "lp_acc": None if lp_acc is None else float(lp_acc)}
        row.update({key: getattr(report, key) for key in _COLUMNS[2:]})
        self.history.append(row)
        self._write(row)
        return row

    def _write(self, row: dict) -> None:
        if self.csv_path is not None:
            new = not os.path.exists(self.csv_path) or os.path.getsize(self.csv_path) == 0
            with open(self.csv_path, "a", newline="") as f:
                w = csv.writer(f)
                if new:
                    w.writerow(_COLUMNS)
                w.writerow(["" if row[c] is None else (repr(row[c]) if isinstance(row[c], float) else row[c])
                            for c in _COLUMNS])
                f.flush()
                os.fsync(f.fileno())
        if self.jsonl_path is not None:
            with open(self.jsonl_path, "a") as f:
                f.write(json.dumps(row) + "\n")
                f.flush()
                os.fsync(f.fileno())

    def series(self, key: str) -> list:
        """The values of one column over the epochs recorded (None where absent)."""
        if key not in _COLUMNS:
            raise InvalidArgumentError(f"key = {key!r}: use one of {', '.join(_COLUMNS)}")
        return [row[key] for row in self.history]

    def correlation(self, reference: str = "lp_acc", *, skip_first: int = 0, metrics=None) -> dict:
        """{metric: {"pearson", "spearman", "kendall"}} of each metric against the
        reference column (the LP accuracy by default; e.g. "ami_c1_gt"), over the
        epochs where both are known, the first skip_first epochs left out (entropy
        is noisy early in training). A metric with fewer than 3 such epochs is left out."""
        keys = metrics or [k for k in (*METRIC_KEYS, *LABEL_KEYS) if k != reference]
        rows = self.history[skip_first:]
        out = {}
        for key in keys:
            pairs = [(r[key], r[reference]) for r in rows
                     if r[key] is not None and r[reference] is not None
                     and math.isfinite(r[key]) and math.isfinite(r[reference])]
            if len(pairs) < 3:
                continue
            out[key] = correlate([p[0] for p in pairs], [p[1] for p in pairs])
        return out

    def plot(self, path: Optional[str] = None, *, metrics=None):
        """One panel per metric over the epochs (LP accuracy, when recorded, in
        black on a twin axis). Saves to path when given; returns the figure."""
        import matplotlib

        if path is not None:
            matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        keys = metrics or [k for k in METRIC_KEYS if any(r[k] is not None for r in self.history)]
        epochs = self.series("epoch")
        lp = self.series("lp_acc")
        fig, axes = plt.subplots(len(keys), 1, figsize=(6, 1.8 * len(keys)), sharex=True, squeeze=False)
        for ax, key in zip(axes[:, 0], keys):
            ax.plot(epochs, [math.nan if v is None else v for v in self.series(key)], marker="o", ms=3)
            ax.set_ylabel(key, fontsize=8)
            if any(v is not None for v in lp):
                twin = ax.twinx()
                twin.plot(epochs, [math.nan if v is None else v for v in lp], color="black", lw=1)
                twin.set_ylabel("lp_acc", fontsize=8)
        axes[-1, 0].set_xlabel("epoch")
        fig.tight_layout()
        if path is not None:
            fig.savefig(path)
        return fig
