"""Reference values of the label-free metrics on the bundled demo runs
(data/demo), in float64 with NumPy/SciPy through the definitions of
make_label_free.py, for tests/cpu/test_label_free_demo.cpp.

    python3 tests/golden/make_demo_label_free.py   # writes tests/golden/demo_label_free.json
"""
import importlib.util
import json
import os

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("label_free", os.path.join(here, "make_label_free.py"))
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)
demo = os.path.join(here, "..", "..", "data", "demo")


def load(run, name):
    return np.load(os.path.join(demo, run, name)).astype(np.float32).astype(np.float64)


cases = []
for run in ["simclr", "simsiam"]:
    groups = np.load(os.path.join(demo, run, "augs_groups.npy"))
    for epoch in [0, 15]:
        x = load(run, f"epoch_{epoch:03d}.npy")
        s = ref.spectrum_ref(x)
        a, b = load(run, f"view1_{epoch:03d}.npy"), load(run, f"view2_{epoch:03d}.npy")
        lidar, _ = ref.lidar_ref(load(run, f"augs_{epoch:03d}.npy"), list(groups), 1e-4, 1e-7)
        cases.append({
            "run": run, "epoch": epoch,
            "uniformity": ref.uniformity_ref(x, 2.0),
            "alpha_req": s["alpha_req"], "nesum": s["nesum"],
            "collapse_sd": float(np.std(ref.unit(x), axis=0, ddof=1).mean()),
            "alignment": float(np.mean(np.linalg.norm(ref.unit(a) - ref.unit(b), axis=1) ** 2)),
            "lidar": lidar,
        })

with open(os.path.join(here, "demo_label_free.json"), "w") as f:
    json.dump({"cases": cases}, f, indent=1)
    f.write("\n")
