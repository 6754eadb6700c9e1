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


def test_the_keys_come_from_the_library_s_registry():
    keys = [m["key"] for m in em.report.REPORT_METRICS]
    assert tuple(keys) == em.report.METRIC_KEYS + em.report.LABEL_KEYS
    # The tool's metric keys, less the reasons it gives beside a null one.
    assert [k for k in TOOL_KEYS_WITH_LABELS[3:-2] if not k.endswith("_reason")] == keys
    for m in em.report.REPORT_METRICS:
        assert m["unit"] and m["meaning"] and m["source"] and m["step"]
    assert {m["key"] for m in em.report.REPORT_METRICS if m["seed_dependent"]} == {
        "silhouette", "ami_c1_c2", "ari_c1_c2", "inertia", "davies_bouldin", "calinski_harabasz",
        "ami_c1_gt", "ari_c1_gt"}


def test_seeds_average_the_seed_dependent_metrics_over_seed_pairs():
    # Each pair (seed + 2i, seed + 2i + 1) recomputed with single k-means runs
    # and scikit-learn's scores; mean and standard deviation (ddof = 1) in NumPy.
    x, y = blobs(n=240, d=6, k=3, spread=2.0)
    r = em.evaluate(x, y, k=5, seed=3, seeds=3)
    sil, ami, ari_gt, inertia = [], [], [], []
    for i in range(3):
        c1 = em.KMeans(5, random_state=3 + 2 * i, n_init=1).fit(x)
        c2 = em.KMeans(5, random_state=4 + 2 * i, n_init=1).fit(x)
        sil.append(skm.silhouette_score(x.astype(np.float64), c1.labels_))
        ami.append(skm.adjusted_mutual_info_score(c1.labels_, c2.labels_))
        ari_gt.append(skm.adjusted_rand_score(c1.labels_, y))
        inertia.append(c1.inertia_)
    for key, values, tol in (("silhouette", sil, 1e-5), ("ami_c1_c2", ami, 1e-9), ("ari_c1_gt", ari_gt, 1e-9),
                             ("inertia", inertia, 1e-6 * np.mean(inertia))):
        assert getattr(r, key) == pytest.approx(np.mean(values), abs=tol), key
        assert getattr(r, key + "_std") == pytest.approx(np.std(values, ddof=1), abs=2 * tol), key
    assert r.ami_c1_c2_std > 0
    d = r.to_dict()
    assert d["seeds"] == 3 and list(d).index("silhouette_std") == list(d).index("silhouette") + 1
    assert "knn_entropy_std" not in d
    one = em.evaluate(x, y, k=5, seed=3)
    assert list(one.to_dict()) == TOOL_KEYS_WITH_LABELS
    assert one.knn_entropy == r.knn_entropy


def test_the_report_metric_is_parsed_by_the_library():
    x, _ = blobs(n=100)
    with pytest.raises(ValueError, match="manhattan"):
        em.evaluate(x, k=3, metric="manhattan")
    with pytest.raises(ValueError, match="sqeuclidean"):
        em.evaluate(x, k=3, metric="sqeuclidean")


def test_views_and_groups_reach_the_report_and_are_checked():
    x, y = blobs(n=100)
    r = em.evaluate(x, k=3, views=x + 0.01, groups=y)
    assert r.silhouette == em.evaluate(x, k=3).silhouette
    with pytest.raises(ValueError, match="second view"):
        em.evaluate(x, k=3, views=x[:90])
    with pytest.raises(ValueError, match="groups"):
        em.evaluate(x, k=3, groups=y[:90])
