"""evaluate() -> Report: the tool's keys, consistency with the single
functions, and scikit-learn's silhouette / AMI of the same clusterings."""

import dataclasses
import json

import numpy as np
import pytest
from sklearn import metrics as skm

import embed_metrics as em
from conftest import blobs

# The keys of `embed-metrics eval --format json` (src/cli/report_output.cpp).
TOOL_KEYS = ["n", "d", "k", "silhouette", "ami_c1_c2", "ari_c1_c2", "knn_entropy", "gaussian_entropy",
             "effective_rank", "inertia", "davies_bouldin", "calinski_harabasz", "uniformity", "alpha_req",
             "nesum", "collapse_sd", "alignment", "alignment_reason", "lidar", "lidar_reason", "device",
             "seconds"]
TOOL_KEYS_WITH_LABELS = TOOL_KEYS[:-2] + ["ami_c1_gt", "ari_c1_gt", "knn_accuracy", "device", "seconds"]


def test_report_keys_are_the_tool_s():
    x, y = blobs(n=150)
    assert list(em.evaluate(x, k=4).to_dict()) == TOOL_KEYS
    assert list(em.evaluate(x, y).to_dict()) == TOOL_KEYS_WITH_LABELS


def test_report_agrees_with_the_single_functions_and_sklearn():
    x, y = blobs(n=300, d=10, k=4, spread=3.0)
    r = em.evaluate(x, y, k=4, seed=5)
    c1 = em.KMeans(4, random_state=5, n_init=1).fit(x)
    c2 = em.KMeans(4, random_state=6, n_init=1).fit(x)
    assert r.inertia == pytest.approx(c1.inertia_, rel=1e-9)
    assert r.silhouette == pytest.approx(skm.silhouette_score(x.astype(np.float64), c1.labels_), abs=1e-5)
    assert r.ami_c1_c2 == pytest.approx(skm.adjusted_mutual_info_score(c1.labels_, c2.labels_), abs=1e-10)
    assert r.ari_c1_gt == pytest.approx(skm.adjusted_rand_score(c1.labels_, y), abs=1e-10)
    assert r.knn_entropy == pytest.approx(em.knn_entropy(x, 3), rel=1e-9)
    assert r.gaussian_entropy == pytest.approx(em.gaussian_entropy(x), rel=1e-9)
    assert r.effective_rank == pytest.approx(em.effective_rank(x), rel=1e-9)
    assert r.knn_accuracy == pytest.approx(em.knn_accuracy(x, y, n_neighbors=20), rel=1e-12)
    assert (r.n, r.d, r.k, r.device) == (300, 10, 4, "cpu")


def test_k_defaults_to_the_number_of_labels_and_is_needed_without_them():
    x, y = blobs(n=100, k=3)
    assert em.evaluate(x, y).k == 3
    with pytest.raises(ValueError, match="k"):
        em.evaluate(x)


def test_parts_can_be_left_out():
    x, _ = blobs(n=100)
    r = em.evaluate(x, k=3, clustering=False, spectrum=False)
    assert r.silhouette is None and r.ami_c1_c2 is None and r.effective_rank is None
    assert r.knn_entropy is not None


def test_report_is_frozen_and_serialises():
    x, _ = blobs(n=100)
    r = em.evaluate(x, k=3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.silhouette = 1.0
    assert json.loads(r.to_json()) == r.to_dict()
    logged = r.to_dict(prefix="embed/", metrics_only=True)
    assert logged["embed/silhouette"] == r.silhouette and "embed/n" not in logged
    table = str(r).splitlines()
    assert table[0].split() == ["n", "100"] and any(line.startswith("silhouette") for line in table)
    assert "ami_c1_gt" not in str(r)


def test_progress_reports_every_step_in_order():
    x, y = blobs(n=100)
    seen = []
    em.evaluate(x, y, progress=lambda step, done, total: seen.append((step, done, total)))
    assert seen[-1][0] == "done" and seen[-1][1] == seen[-1][2]
    assert [s[1] for s in seen] == sorted(s[1] for s in seen)
