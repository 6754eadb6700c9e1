"""CUDA input in place: torch and CuPy tensors on the GPU, on the producer's
stream, against the CPU results. Skipped without a GPU and the CUDA build."""

import numpy as np
import pytest

import embed_metrics as em
from conftest import blobs

pytestmark = pytest.mark.skipif(not em.cuda_available(), reason="no CUDA device, or a build without CUDA")


def test_torch_cuda_tensors_are_read_in_place_on_their_device_and_stream():
    torch = pytest.importorskip("torch")
    from embed_metrics._inputs import _cuda_core, as_matrix

    x, y = blobs(n=500, d=16, k=4, spread=3.0)
    t = torch.from_numpy(x).cuda().requires_grad_(True)
    arr, device, stream = as_matrix(t)
    assert device == f"cuda:{t.device.index}" and stream == torch.cuda.current_stream().cuda_stream
    assert _cuda_core()._input_pointer(arr) == t.data_ptr()
    cpu = em.silhouette_score(x, y)
    s = torch.cuda.Stream()
    with torch.cuda.stream(s):
        z = t * 1.0  # queued on s: the library must order its work after it
        got = em.silhouette_score(z, torch.from_numpy(y).cuda())
    assert got == pytest.approx(cpu, abs=1e-5)
    r = em.evaluate(t, k=4)
    assert r.device.startswith("cuda") and r.silhouette == pytest.approx(em.evaluate(x, k=4).silhouette, abs=1e-3)
    np.testing.assert_array_equal(em.kneighbors(t, 5)[1], em.kneighbors(x, 5)[1])


def test_cupy_arrays_are_read_in_place():
    cupy = pytest.importorskip("cupy")
    from embed_metrics._inputs import _cuda_core, as_matrix

    x, y = blobs(n=400, d=8, k=3, spread=3.0)
    c = cupy.asarray(x)
    arr, device, stream = as_matrix(c)
    assert _cuda_core()._input_pointer(arr) == c.data.ptr
    assert stream == cupy.cuda.get_current_stream().ptr
    assert em.silhouette_score(c, y) == pytest.approx(em.silhouette_score(x, y), abs=1e-5)
    assert em.silhouette_score(c[:, :6], y) == pytest.approx(em.silhouette_score(x[:, :6], y), abs=1e-5)


def test_device_cpu_copies_gpu_data_back_or_refuses():
    torch = pytest.importorskip("torch")
    x, y = blobs(n=100)
    t = torch.from_numpy(x).cuda()
    assert em.silhouette_score(t, y, device="cpu") == pytest.approx(em.silhouette_score(x, y), abs=1e-6)
    with pytest.raises(ValueError, match="copy=False"):
        em.silhouette_score(t, y, device="cpu", copy=False)
