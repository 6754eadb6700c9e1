"""Shared data for the Python suite. References are scikit-learn, SciPy and
NumPy in float64, computed here on the same inputs."""

import numpy as np
import pytest


def blobs(n=300, d=12, k=4, seed=0, spread=1.0):
    """float32 points around k well-separated centres, and their labels."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=6.0, size=(k, d))
    labels = rng.integers(0, k, size=n)
    x = centres[labels] + rng.normal(scale=spread, size=(n, d))
    return x.astype(np.float32), labels


@pytest.fixture
def data():
    return blobs()


def torch_or_skip():
    return pytest.importorskip("torch", reason="PyTorch is not installed (Debian: python3-torch)")
