"""embed_metrics: label-free quality metrics of embedding spaces (k-means,
exact silhouette, agreement scores, kNN and entropy estimators, the report of
Xu, Lowe and Trappenberg), on the CPU or a CUDA device, reading NumPy,
PyTorch and CuPy arrays in place.

The functions are named and shaped as scikit-learn's. davies_bouldin_score
and calinski_harabasz_score are not provided: the library has no such metric
yet.
"""

from . import _core, errors
from .errors import (BackendUnavailableError, CudaError, Error, FileError, FormatError,
                     InvalidArgumentError)

_core._register_errors(*errors.ALL)

from .cluster import KMeans  # noqa: E402
from .estimators import (effective_rank, gaussian_entropy, histogram_entropy, kneighbors,  # noqa: E402
                         knn_accuracy, knn_entropy, singular_values)
from .io import load_embeddings, load_labels  # noqa: E402
from .metrics import (adjusted_mutual_info_score, adjusted_rand_score, agreement,  # noqa: E402
                      completeness_score, fowlkes_mallows_score, homogeneity_completeness_v_measure,
                      homogeneity_score, mutual_info_score, normalized_mutual_info_score,
                      silhouette_samples, silhouette_score, v_measure_score)
from .report import Report, evaluate  # noqa: E402
from .tracker import Tracker, correlate  # noqa: E402

__version__ = "0.1.0"


def cuda_available() -> bool:
    """True when this build has the CUDA backend and a CUDA device is present."""
    from ._inputs import _cuda_core

    cuda = _cuda_core()
    return cuda is not None and cuda.cuda_device_count() > 0


__all__ = [
    "Error", "InvalidArgumentError", "FileError", "FormatError", "BackendUnavailableError", "CudaError",
    "KMeans", "kneighbors", "knn_accuracy", "knn_entropy", "histogram_entropy", "gaussian_entropy",
    "effective_rank", "singular_values", "silhouette_score", "silhouette_samples", "adjusted_rand_score",
    "adjusted_mutual_info_score", "normalized_mutual_info_score", "mutual_info_score", "homogeneity_score",
    "completeness_score", "v_measure_score", "homogeneity_completeness_v_measure", "fowlkes_mallows_score",
    "agreement", "load_embeddings", "load_labels", "Report", "evaluate", "Tracker", "correlate", "cuda_available",
]
