"""Importing the package is quick and loads neither CUDA, torch nor matplotlib."""

import subprocess
import sys

import numpy as np

import embed_metrics as em

PROBE = """
import sys, time
t = time.perf_counter()
import embed_metrics as em
import numpy as np
x = np.random.default_rng(0).normal(size=(60, 4)).astype(np.float32)
em.evaluate(x, k=3)
maps = open('/proc/self/maps').read()
print(time.perf_counter() - t)
print('libcublas' in maps or 'libcudart' in maps or '_core_cuda' in maps)
print(sorted(m for m in ('torch', 'matplotlib', 'cupy', 'lightning') if m in sys.modules))
"""


def test_cpu_use_loads_no_cuda_and_no_framework():
    out = subprocess.run([sys.executable, "-c", PROBE], check=True, capture_output=True, text=True).stdout.split("\n")
    assert out[1] == "False", "CPU-only use loaded the CUDA backend"
    assert out[2] == "[]"


def test_stubs_are_installed_next_to_the_module():
    import pathlib

    here = pathlib.Path(em.__file__).parent
    stub = here / "_core.pyi"
    assert stub.exists() and "def silhouette(" in stub.read_text()
    assert (here / "py.typed").exists()
    assert isinstance(em.cuda_available(), bool) and np is not None
