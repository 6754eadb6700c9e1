"""The SimCLR example runs (one epoch) and leaves its Tracker files."""

import csv
import pathlib
import subprocess
import sys

import pytest

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "python" / "simclr_tracked.py"


def test_simclr_example_writes_its_report_per_epoch(tmp_path):
    pytest.importorskip("torch", reason="PyTorch is not installed (Debian: python3-torch)")
    subprocess.run([sys.executable, str(EXAMPLE), "--epochs", "1", "--out", str(tmp_path)], check=True,
                   capture_output=True, text=True, timeout=300)
    rows = list(csv.DictReader(open(tmp_path / "simclr.csv")))
    assert [r["epoch"] for r in rows] == ["0", "1"]
    assert all(0 < float(r["lp_acc"]) <= 1 and r["silhouette"] for r in rows)
