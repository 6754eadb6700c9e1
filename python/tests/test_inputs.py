"""Zero-copy input, conversions, copy=False, thread choice and exception types."""

import os
import signal
import threading

import numpy as np
import pytest
from sklearn import metrics as skm

import embed_metrics as em
from embed_metrics import _core
from embed_metrics._inputs import as_matrix, resolve_threads
from conftest import blobs, torch_or_skip


def seen_by_library(x, **kwargs):
    """The address the library reads, after the package's own conversion."""
    arr, _, _ = as_matrix(x, **kwargs)
    return _core._input_pointer(arr)


def test_float32_c_contiguous_is_read_in_place():
    x, _ = blobs(n=100)
    assert seen_by_library(x) == x.ctypes.data


def test_a_view_of_a_larger_array_is_read_in_place_and_gives_the_copy_s_result():
    big, y = blobs(n=300, d=20)
    view = big[50:250, 3:17]  # row stride 20, 14 columns
    assert not view.flags.c_contiguous
    assert seen_by_library(view) == view.ctypes.data
    labels = y[50:250]
    assert em.silhouette_score(view, labels) == em.silhouette_score(np.ascontiguousarray(view), labels)
    assert em.silhouette_score(view, labels, copy=False) == pytest.approx(
        skm.silhouette_score(view.astype(np.float64), labels), abs=1e-5)


def test_read_only_arrays_are_accepted_in_place():
    x, y = blobs(n=80)
    x.flags.writeable = False
    assert seen_by_library(x, copy=False) == x.ctypes.data
    assert em.silhouette_score(x, y, copy=False) == pytest.approx(skm.silhouette_score(x, y), abs=1e-5)


@pytest.mark.parametrize("rows, make", [
    (slice(None), lambda x: x.astype(np.float64)),
    (slice(None), np.asfortranarray),
    (slice(None, None, -1), lambda x: x[::-1]),  # negative row stride: one copy
    (slice(None, None, 2), lambda x: x[::2]),  # every other row: row-strided, in place
    (slice(None), lambda x: x.tolist()),
])
def test_other_dtypes_and_layouts_give_the_same_result(rows, make):
    x, y = blobs(n=120)
    alt = make(x)
    assert em.silhouette_score(alt, y[rows]) == pytest.approx(
        skm.silhouette_score(np.asarray(alt, dtype=np.float64), y[rows]), abs=1e-5)


def test_copy_false_refuses_what_would_need_a_copy():
    x, y = blobs(n=60)
    for bad in (x.astype(np.float64), np.asfortranarray(x), x[::-1], x.tolist(), x[:, ::2]):
        with pytest.raises(ValueError, match="copy=False"):
            em.silhouette_score(bad, y[: len(bad)], copy=False)
    em.silhouette_score(x[::2], y[::2], copy=False)  # row-strided: no copy needed


def test_shape_errors_are_value_errors_with_a_fix():
    x, y = blobs(n=60)
    with pytest.raises(em.InvalidArgumentError, match="reshape"):
        em.silhouette_score(x[:, 0], y)
    with pytest.raises(ValueError, match="one label per row"):
        em.silhouette_score(x, y[:-1])


def test_library_errors_keep_their_message_and_map_to_builtin_types():
    x, _ = blobs(n=30)
    with pytest.raises(em.InvalidArgumentError) as info:
        em.silhouette_score(x, np.zeros(30, dtype=np.int64))
    assert isinstance(info.value, ValueError) and isinstance(info.value, em.Error)
    assert "distinct labels" in str(info.value) or "labels" in str(info.value)
    bad = x.copy()
    bad[3, 2] = np.nan
    with pytest.raises(ValueError, match="(?i)nan|finite"):
        em.knn_entropy(bad)
    with pytest.raises(em.FileError) as missing:
        em.load_embeddings("no-such-file.npy")
    assert isinstance(missing.value, OSError) and "no-such-file.npy" in str(missing.value)


def test_file_errors_and_format_errors(tmp_path):
    bad = tmp_path / "bad.npy"
    bad.write_bytes(b"\x93NUMPY\x07\x00garbage")
    with pytest.raises(em.FormatError) as info:
        em.load_embeddings(bad)
    assert isinstance(info.value, OSError) and "bad.npy" in str(info.value)
    good = tmp_path / "good.npy"
    x, y = blobs(n=10, d=3)
    np.save(good, x.astype(np.float64))
    np.testing.assert_array_equal(em.load_embeddings(good), x)
    np.save(tmp_path / "y.npy", y)
    np.testing.assert_array_equal(em.load_labels(tmp_path / "y.npy"), y)


def test_cuda_without_the_backend_or_a_gpu_is_a_runtime_error():
    if em.cuda_available():
        pytest.skip("a CUDA device is present")
    x, y = blobs(n=30)
    with pytest.raises(em.BackendUnavailableError) as info:
        em.silhouette_score(x, y, device="cuda")
    assert isinstance(info.value, RuntimeError)


def test_threads_none_follows_torch_when_torch_is_imported():
    torch = torch_or_skip()
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        assert resolve_threads(None) == 1
    finally:
        torch.set_num_threads(before)
    assert resolve_threads(3) == 3
    with pytest.raises(ValueError):
        resolve_threads(-1)


def test_ctrl_c_during_evaluate_raises_keyboard_interrupt_between_steps():
    # Large enough that the whole report takes seconds: the signal, sent at the
    # first step, lands long before the last one.
    x, _ = blobs(n=20000, d=32, k=8)
    started = threading.Event()
    steps = []

    def progress(step, done, total):
        steps.append(step)
        started.set()

    def interrupt():
        started.wait(30)
        os.kill(os.getpid(), signal.SIGINT)  # lands while the library computes, GIL released

    t = threading.Thread(target=interrupt)
    t.start()
    with pytest.raises(KeyboardInterrupt):
        em.evaluate(x, k=8, progress=progress)
        # a report faster than the signal still gets the KeyboardInterrupt here, but
        # then "done" was reached, which the assertion below rules out
        for _ in range(10**8):
            pass
    t.join()
    assert "done" not in steps, steps


def test_an_exception_in_the_progress_callback_stops_the_report():
    x, _ = blobs(n=100)

    def progress(step, done, total):
        if done == 1:
            raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        em.evaluate(x, k=3, progress=progress)


def test_torch_cpu_tensors_are_read_in_place_and_detached():
    torch = torch_or_skip()
    x, y = blobs(n=100)
    t = torch.from_numpy(x)
    assert seen_by_library(t) == t.data_ptr()
    g = torch.from_numpy(x.copy()).requires_grad_(True)
    assert seen_by_library(g) == g.data_ptr()
    ref = em.silhouette_score(x, y)
    assert em.silhouette_score(g, torch.from_numpy(y)) == ref
    assert em.silhouette_score(t.double(), y) == pytest.approx(ref, abs=1e-6)
    assert em.silhouette_score(t.t().contiguous().t(), y) == pytest.approx(ref, abs=1e-6)  # column-major: one copy
    with pytest.raises(ValueError, match="copy=False"):
        em.silhouette_score(t.double(), y, copy=False)
    assert em.KMeans(3, random_state=0).fit(t).labels_.shape == (100,)
