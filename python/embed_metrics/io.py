"""Reading embeddings and labels from files, as the tool does."""

from __future__ import annotations

import os

import numpy as np

from . import _core

__all__ = ["load_embeddings", "load_labels"]


def load_embeddings(path, *, array: str = "", drop_nonfinite: bool = False) -> np.ndarray:
    """A float32 (n, d) array from .npy, .npz, .safetensors, CSV or TSV (f16,
    bf16, f64 and integers converted). array names the member of an .npz or
    .safetensors file holding several. Raises FileError (an OSError) when the
    file cannot be read and FormatError when its content is malformed."""
    return _core.load_embeddings(os.fspath(path), array, drop_nonfinite)


def load_labels(path, *, array: str = "") -> np.ndarray:
    """Integer labels (int64) from a 1-D .npy, .npz or .safetensors array, or a text file."""
    return _core.load_labels(os.fspath(path), array)
