"""Turning the caller's arrays into what the library reads in place, and
choosing where the work runs.

float32 arrays whose rows are contiguous (any row stride) are passed as they
are: NumPy, PyTorch and CuPy alike, through DLPack, on the device they live
on. Anything else is converted with one copy, or refused when copy=False."""

from __future__ import annotations

import functools
import importlib
import importlib.util
import sys
import threading

import numpy as np

from . import _core, errors
from .errors import InvalidArgumentError

_local = threading.local()


def _framework(x) -> str:
    return type(x).__module__.split(".")[0]


def _refuse(name: str, why: str):
    raise InvalidArgumentError(
        f"{name}: {why}; it would need a copy, which copy=False forbids "
        "(pass a float32 array with contiguous rows, or copy=True)"
    )


def _torch_matrix(x, name, copy, want_host):
    import torch

    if x.requires_grad:
        x = x.detach()  # read only: the metrics are not part of the graph
    if x.dim() != 2:
        raise InvalidArgumentError(f"{name}: expected a 2-D tensor (n_samples, n_features), got {x.dim()} dimensions")
    rows_ok = x.size(1) <= 1 or x.stride(1) == 1
    if x.size(0) > 1 and x.stride(0) < x.size(1):
        rows_ok = False
    if x.dtype != torch.float32 or not rows_ok:
        if not copy:
            _refuse(name, f"dtype {x.dtype} / strides {tuple(x.stride())} are not float32 with contiguous rows")
        x = x.to(torch.float32).contiguous()
    if x.device.type == "cuda":
        if want_host:
            if not copy:
                _refuse(name, "the tensor is on a CUDA device and device='cpu' was asked for")
            return x.cpu(), "cpu", None
        index = x.device.index if x.device.index is not None else torch.cuda.current_device()
        return x, f"cuda:{index}", torch.cuda.current_stream(x.device).cuda_stream
    if x.device.type != "cpu":
        raise InvalidArgumentError(f"{name}: tensors on '{x.device.type}' are not supported; move it to the CPU or CUDA")
    return x, "cpu", None


def _cupy_matrix(x, name, copy, want_host):
    import cupy

    if x.ndim != 2:
        raise InvalidArgumentError(f"{name}: expected a 2-D array (n_samples, n_features), got {x.ndim} dimensions")
    if x.dtype != cupy.float32 or not _rows_contiguous(x.shape, x.strides, 4):
        if not copy:
            _refuse(name, f"dtype {x.dtype} / strides {x.strides} are not float32 with contiguous rows")
        x = cupy.ascontiguousarray(x, dtype=cupy.float32)
    if want_host:
        if not copy:
            _refuse(name, "the array is on a CUDA device and device='cpu' was asked for")
        return np.ascontiguousarray(cupy.asnumpy(x)), "cpu", None
    return x, f"cuda:{x.device.id}", cupy.cuda.get_current_stream().ptr


def _rows_contiguous(shape, strides, itemsize) -> bool:
    rows, cols = shape
    if cols > 1 and strides[1] != itemsize:
        return False
    if rows > 1 and (strides[0] < cols * itemsize or strides[0] % itemsize):
        return False
    return True


def as_matrix(x, *, name="X", copy=True, device=None):
    """(array the library can read in place, the device it lives on, the producer's stream or None)."""
    want_host = device is not None and str(device) == "cpu"
    fw = _framework(x)
    if fw == "torch":
        return _torch_matrix(x, name, copy, want_host)
    if fw == "cupy":
        return _cupy_matrix(x, name, copy, want_host)
    if not isinstance(x, np.ndarray):
        if not copy:
            _refuse(name, f"a {type(x).__name__} is not an array")
        x = np.asarray(x)
    if x.ndim != 2:
        raise InvalidArgumentError(
            f"{name}: expected a 2-D array (n_samples, n_features), got {x.ndim} dimensions"
            + ("; reshape a single feature with X.reshape(-1, 1)" if x.ndim == 1 else "")
        )
    if x.dtype != np.float32 or not _rows_contiguous(x.shape, x.strides, 4):
        if not copy:
            _refuse(name, f"dtype {x.dtype} / strides {x.strides} are not float32 with contiguous rows")
        x = np.ascontiguousarray(x, dtype=np.float32)
    return x, "cpu", None


def as_labels(labels, n=None, *, name="labels", keep_device=False):
    """A contiguous int64 array of labels: integers as they are, any other
    values (strings, floats) as their index among the sorted distinct values."""
    fw = _framework(labels)
    if fw == "torch":
        import torch

        t = labels.detach()
        if keep_device and t.device.type == "cuda" and t.dtype == torch.int64 and t.dim() == 1 and t.is_contiguous():
            return t
        labels = t.cpu().numpy()
    elif fw == "cupy":
        import cupy

        if keep_device and labels.dtype == cupy.int64 and labels.ndim == 1 and labels.flags.c_contiguous:
            return labels
        labels = cupy.asnumpy(labels)
    a = np.asarray(labels)
    if a.ndim != 1:
        raise InvalidArgumentError(f"{name}: expected a 1-D array of labels, got {a.ndim} dimensions")
    if n is not None and a.shape[0] != n:
        raise InvalidArgumentError(f"{name}: {a.shape[0]} labels for {n} rows; give one label per row")
    if a.dtype.kind == "b" or (a.dtype.kind in "iu" and a.dtype.itemsize < 8) or a.dtype.kind == "i":
        return np.ascontiguousarray(a, dtype=np.int64)
    _, inverse = np.unique(a, return_inverse=True)
    return np.ascontiguousarray(inverse.reshape(-1), dtype=np.int64)


def resolve_threads(threads):
    """None follows the host framework (torch.get_num_threads() when torch is
    imported), so that a trainer's thread budget is not oversubscribed; 0 means
    the library's default (all cores)."""
    if threads is not None:
        if int(threads) < 0:
            raise InvalidArgumentError(f"threads = {threads}: use None, 0 (all cores) or a positive count")
        return int(threads)
    torch = sys.modules.get("torch")
    if torch is not None:
        return int(torch.get_num_threads())
    return 0


def _cuda_core():
    """The CUDA build's module, imported on first use (None without one)."""
    core = getattr(_cuda_core, "module", False)
    if core is False:
        core = None
        if importlib.util.find_spec(__package__ + "._core_cuda") is not None:
            core = importlib.import_module(__package__ + "._core_cuda")
            core._register_errors(*errors.ALL)
        _cuda_core.module = core
    return core


def core_for(device: str):
    """(extension module, device string) for a device asked for: CPU work uses
    _core, which never loads CUDA; "auto" means CUDA when a device is present."""
    if device == "cpu":
        return _core, "cpu"
    cuda = _cuda_core()
    if device == "auto":
        if cuda is not None and cuda.cuda_device_count() > 0:
            return cuda, "cuda"
        # One module: _core's "auto" asks the driver, and loads the CUDA
        # backend module only when a device exists.
        return _core, "auto" if cuda is None else "cpu"
    # "cuda" / "cuda:N": without the CUDA build, _core itself says why it cannot.
    return (cuda if cuda is not None else _core), device


class Backend:
    """An extension module and the Resources handle its functions take first."""

    __slots__ = ("core", "res")

    def __init__(self, core, res):
        self.core = core
        self.res = res

    @property
    def is_cuda(self) -> bool:
        return self.res.is_cuda

    def __getattr__(self, name):
        return functools.partial(getattr(self.core, name), self.res)


def resources(device: str, threads, stream=None) -> Backend:
    """A cached Resources handle per host thread, device and thread count (a
    CUDA handle holds a cuBLAS handle and scratch memory: made once)."""
    core, device = core_for(str(device))
    cache = getattr(_local, "cache", None)
    if cache is None:
        cache = _local.cache = {}
    key = (core.__name__, device, resolve_threads(threads))
    res = cache.get(key)
    if res is None:
        res = cache[key] = core.Resources(device, key[2])
    if stream is not None and res.is_cuda:
        res.set_stream(int(stream))
    return Backend(core, res)


def prepare(x, *, device=None, threads=None, copy=True, name="X"):
    """(array, Backend) for one call: device=None follows the data."""
    arr, data_device, stream = as_matrix(x, name=name, copy=copy, device=device)
    dev = data_device if device is None else str(device)
    if dev == "cuda" and data_device.startswith("cuda"):
        dev = data_device
    return arr, resources(dev, threads, stream if dev == data_device else None)
