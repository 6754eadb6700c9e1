"""Tracker: rows on disk after every epoch, resumed runs append, correlation
with the LP accuracy equals SciPy's, plotting imports matplotlib only then."""

import csv
import json
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

import embed_metrics as em
from conftest import blobs


def epochs(count=5):
    """Embeddings that get better each epoch: the blobs tighten."""
    for e in range(count):
        x, y = blobs(n=150, d=8, k=3, seed=1, spread=4.0 / (e + 1))
        yield e, x, y, 0.5 + 0.1 * e


def test_each_update_is_on_disk_at_once(tmp_path):
    tr = em.Tracker(tmp_path, k=3)
    for e, x, y, acc in epochs(3):
        report = tr.update(e, x, lp_acc=acc)
        rows = list(csv.DictReader(open(tmp_path / "embed_metrics.csv")))
        lines = (tmp_path / "embed_metrics.jsonl").read_text().splitlines()
        assert len(rows) == len(lines) == e + 1
        assert float(rows[-1]["silhouette"]) == report.silhouette  # full precision
        assert json.loads(lines[-1])["lp_acc"] == acc and rows[-1]["ami_c1_gt"] == ""


def test_a_resumed_run_appends_without_a_second_header(tmp_path):
    data = list(epochs(4))
    first = em.Tracker(tmp_path, k=3)
    for e, x, _, acc in data[:2]:
        first.update(e, x, lp_acc=acc)
    second = em.Tracker(tmp_path, k=3)
    for e, x, _, acc in data[2:]:
        second.update(e, x, lp_acc=acc)
    text = (tmp_path / "embed_metrics.csv").read_text().splitlines()
    assert len(text) == 5 and text[0].startswith("epoch,lp_acc,")
    assert [int(r["epoch"]) for r in csv.DictReader(open(tmp_path / "embed_metrics.csv"))] == [0, 1, 2, 3]


def test_correlation_with_lp_accuracy_equals_scipy(tmp_path):
    tr = em.Tracker(k=3)
    for e, x, y, acc in epochs(6):
        tr.update(e, x, y, lp_acc=acc)
    corr = tr.correlation()
    s, acc = tr.series("silhouette"), tr.series("lp_acc")
    assert corr["silhouette"]["pearson"] == pytest.approx(stats.pearsonr(s, acc)[0], abs=1e-12)
    assert corr["silhouette"]["spearman"] == pytest.approx(stats.spearmanr(s, acc)[0], abs=1e-12)
    assert corr["silhouette"]["kendall"] == pytest.approx(stats.kendalltau(s, acc)[0], abs=1e-12)
    assert "ami_c1_gt" in corr
    late = tr.correlation(skip_first=2)
    assert late["knn_entropy"]["pearson"] == pytest.approx(
        stats.pearsonr(tr.series("knn_entropy")[2:], acc[2:])[0], abs=1e-12)
    against_gt = tr.correlation("ami_c1_gt")
    assert "ami_c1_gt" not in against_gt and "silhouette" in against_gt


def test_tracker_keeps_reports_in_memory_without_a_directory():
    tr = em.Tracker(k=3)
    r = tr.update(0, blobs(n=60)[0])
    assert tr.history[0]["silhouette"] == r.silhouette and tr.csv_path is None
    with pytest.raises(ValueError):
        tr.series("nonsense")


def test_update_does_not_import_matplotlib():
    code = ("import sys, numpy as np, embed_metrics as em\n"
            "t = em.Tracker(k=3)\n"
            "t.update(0, np.random.default_rng(0).normal(size=(50, 3)).astype(np.float32))\n"
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "False"


def test_plot_writes_an_image(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib is not installed (Debian: python3-matplotlib)")
    tr = em.Tracker(k=3)
    for e, x, _, acc in epochs(3):
        tr.update(e, x, lp_acc=acc)
    fig = tr.plot(tmp_path / "curves.png")
    assert (tmp_path / "curves.png").stat().st_size > 1000 and len(fig.axes) >= 5
