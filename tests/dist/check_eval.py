"""eval on bundled checkpoints, one process against mpirun -np 2 and -np 3
(each rank reads its row range of the file) and -np 2 --shard (each rank its
own file), with the labels, with a second view (--views) and with view
groups (--groups). The printed table must be the same text (wall time
aside; a number may differ in its last printed digit); in JSON the ranks' reports must be identical to each other, and
every key of one process's report must be there: counts, the agreement
scores (the k-means labels are the same), the kNN accuracy and every reason
text identical; the scores summed in double on both sides within 1e-12
relative; silhouette and kNN entropy within 1e-7 relative, uniformity (a
log, near 0 for collapsed embeddings) within 1e-7 absolute, i.e. its mean
potential within 1e-7 relative (the single-process pair metrics measure in
float32). Then track over the SimCLR
trajectory (with labels, with views, with groups), one process against 3
ranks, row by row with the same rules."""
import argparse
import json
import os
import shlex
import subprocess
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--tool", required=True)
ap.add_argument("--mpirun", required=True)
ap.add_argument("--data", required=True)
ap.add_argument("--work-dir", required=True)
a = ap.parse_args()
mpirun = shlex.split(a.mpirun)
os.makedirs(a.work_dir, exist_ok=True)


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    return p.stdout


def strip_seconds(text):
    return "\n".join(l for l in text.splitlines() if not l.startswith("seconds"))


def same_table(one, many):
    """The tables line by line: the same keys and texts; a printed number
    (6 significant digits) may differ by one unit in its last digit, since
    the float32 pair metrics of one process and of the ranks may round to
    either side of a printed digit."""
    a, b = one.splitlines(), many.splitlines()
    if len(a) != len(b):
        return False
    for la, lb in zip(a, b):
        ka, _, va = la.partition(" ")
        kb, _, vb = lb.partition(" ")
        va, vb = va.strip(), vb.strip()
        if ka != kb:
            return False
        if va == vb:
            continue
        try:
            x, y = float(va), float(vb)
        except ValueError:
            return False
        if abs(x - y) > 1e-5 * abs(x):
            return False
    return True


def eval_cmd(path, fmt, extra=()):
    return [a.tool, "--device", "cpu", "--format", fmt, "eval", path, "--k", "10", *extra]


EXACT = {"n", "d", "k", "device", "ami_c1_c2", "ari_c1_c2", "ami_c1_gt", "ari_c1_gt", "knn_accuracy",
         "path", "lp_accuracy"}
DOUBLE = {"gaussian_entropy", "effective_rank", "inertia", "davies_bouldin", "calinski_harabasz", "alpha_req",
          "nesum", "collapse_sd", "alignment", "lidar"}
FLOAT32 = {"silhouette", "knn_entropy"}


def same_value(key, v, w):
    """Whether one process's v and the ranks' w agree under the rule of key."""
    if key.endswith("_reason") or key in EXACT or v is None or w is None or not isinstance(v, float):
        return v == w
    if key in DOUBLE:
        return abs(v - w) <= 1e-12 * abs(v) + 1e-300
    if key in FLOAT32:
        return abs(v - w) <= 1e-7 * abs(v)
    if key == "uniformity":  # a log: 1e-7 on it is 1e-7 relative on the mean potential (near 0 when collapsed)
        return abs(v - w) <= 1e-7
    return False  # a new key: give it a rule here


def compare(where, one, dist, failures):
    missing = set(one) ^ set(dist)
    if missing:
        failures.append(f"{where}: keys only one side has: {sorted(missing)}")
    for key, v in one.items():
        if key in dist and not same_value(key, v, dist[key]):
            failures.append(f"{where}: {key} is {dist[key]} over 3 ranks, {v} in one process")


demo = os.path.join(a.data, "simclr")
labels = ["--labels", os.path.join(a.data, "labels.npy")]
cases = [(os.path.join(a.data, c + ".npy"), labels)
         for c in ["simclr/epoch_000", "simclr/epoch_015", "simsiam/epoch_010"]]
cases.append((os.path.join(demo, "view1_015.npy"), ["--views", os.path.join(demo, "view2_015.npy")]))
cases.append((os.path.join(demo, "augs_015.npy"), ["--groups", os.path.join(demo, "augs_groups.npy")]))

failures = []
for path, extra in cases:
    ckpt = os.path.relpath(path, a.data) + (" " + extra[0] if extra else "")
    ranks = {np_: json.loads(run(mpirun + ["-np", str(np_)] + eval_cmd(path, "json", extra))) for np_ in (2, 3)}
    one_table = strip_seconds(run(eval_cmd(path, "table", extra)))
    three_table = strip_seconds(run(mpirun + ["-np", "3"] + eval_cmd(path, "table", extra)))
    if not same_table(one_table, three_table):
        failures.append(f"{ckpt}: table over 3 ranks differs\n{one_table}\n---\n{three_table}")
    one = json.loads(run(eval_cmd(path, "json", extra)))
    for r in (one, *ranks.values()):
        r.pop("seconds")
    if ranks[2] != ranks[3]:
        failures.append(f"{ckpt}: 2 and 3 ranks differ: {ranks[2]} vs {ranks[3]}")
    compare(ckpt, one, ranks[3], failures)
    nulls = sorted(k for k, v in one.items() if v is None)
    print(f"{ckpt}: one process and 2 / 3 ranks agree on {len(one)} keys (null on both sides: {', '.join(nulls) or 'none'})")

# --shard: each rank its own file: the rows cut in two .npy files (plain
# bytes, no NumPy), then run with {rank} in the name.
import ast
import struct

src = os.path.join(a.data, "simclr/epoch_015.npy")
raw = open(src, "rb").read()
major = raw[6]
hlen = struct.unpack("<H" if major == 1 else "<I", raw[8:10] if major == 1 else raw[8:12])[0]
start = (10 if major == 1 else 12) + hlen
header = ast.literal_eval(raw[10 if major == 1 else 12:start].decode("latin1"))
n, d = header["shape"]
item = int(header["descr"][-1])
cut = n // 3
for r, (lo, hi) in enumerate([(0, cut), (cut, n)]):
    h = "{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }" % (header["descr"], hi - lo, d)
    h = h + " " * ((64 - (10 + len(h) + 1) % 64) % 64) + "\n"
    with open(os.path.join(a.work_dir, f"part_{r}.npy"), "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h.encode("latin1"))
        f.write(raw[start + lo * d * item:start + hi * d * item])
shard = json.loads(run(mpirun + ["-np", "2"] + eval_cmd(os.path.join(a.work_dir, "part_{rank}.npy"), "json", ["--shard"])))
whole = json.loads(run(mpirun + ["-np", "3"] + eval_cmd(src, "json")))
shard.pop("seconds")
whole.pop("seconds")
if shard != whole:
    failures.append(f"--shard over 2 ranks differs from 3 ranks on the whole file: {shard} vs {whole}")
else:
    print("--shard over 2 unequal files: the same report")

# track over the SimCLR trajectory: per checkpoint as eval above; the
# correlations with the LP accuracy within 1e-6 (Spearman and Kendall
# identical: the metrics keep their order). With the labels, then the
# views (one --views file per checkpoint), then the view groups.
def epochs(prefix):
    return sorted(os.path.join(demo, f) for f in os.listdir(demo) if f.startswith(prefix) and f.endswith(".npy"))


lp = os.path.join(demo, "lp_acc.txt")
tracks = [("labels", epochs("epoch_"), labels),
          ("views", epochs("view1_"), ["--views", *epochs("view2_")]),
          ("groups", epochs("augs_0"), ["--groups", os.path.join(demo, "augs_groups.npy")])]
for name, traj, extra in tracks:
    track = [a.tool, "--device", "cpu", "--format", "json", "track", *traj, "--k", "10", "--lp-acc", lp, *extra]
    t1 = json.loads(run(track))
    t3 = json.loads(run(mpirun + ["-np", "3"] + track))
    if len(t1["checkpoints"]) != len(t3["checkpoints"]):
        failures.append(f"track {name}: {len(t1['checkpoints'])} rows in one process, {len(t3['checkpoints'])} over 3 ranks")
    for one_row, dist_row in zip(t1["checkpoints"], t3["checkpoints"]):
        one_row.pop("seconds")
        dist_row.pop("seconds")
        compare(f"track {name} {one_row['path']}", one_row, dist_row, failures)
    if set(t1["correlations"]) != set(t3["correlations"]):
        failures.append(f"track {name}: correlations of {sorted(t1['correlations'])} in one process, "
                        f"{sorted(t3['correlations'])} over 3 ranks")
    for metric, c in t1["correlations"].items():
        for kind, v in c.items():
            w = t3["correlations"].get(metric, {}).get(kind)
            if kind == "pearson":
                ok = w is not None and abs(v - w) <= 1e-6
            elif kind == "pearson_ci":  # percentiles of resampled Pearson values
                ok = w is not None and len(v) == len(w) and all(abs(p - q) <= 1e-6 for p, q in zip(v, w))
            else:
                ok = v == w
            if not ok:
                failures.append(f"track {name}: {kind} of {metric} is {w} over 3 ranks, {v} in one process")
    print(f"track {name} over {len(traj)} checkpoints: one process and 3 ranks agree "
          f"({len(t1['correlations'])} correlations)")

# A bad input that only one rank sees (here a NaN in the last row, read by
# the last rank alone; then a --views file one row longer, which leaves rank
# 0's range as it is) must stop every rank with an error, not leave the
# others waiting in the first collective.
def fails_on_every_rank(what, cmd, expected):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        failures.append(f"{what}: the ranks did not stop within 60 s")
        return
    if p.returncode == 0 or expected not in p.stderr:
        failures.append(f"{what}: exit {p.returncode}, stderr without '{expected}':\n{p.stderr}")
    else:
        print(f"{what}: every rank stops ({expected})")


def npy_copy(name, rows, edit=None):
    body = bytearray(raw[start:start + rows * d * item])
    if edit:
        edit(body)
    h = "{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }" % (header["descr"], rows, d)
    h = h + " " * ((64 - (10 + len(h) + 1) % 64) % 64) + "\n"
    out = os.path.join(a.work_dir, name)
    with open(out, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h.encode("latin1") + bytes(body))
    return out


nan_bytes = struct.pack("<" + {2: "e", 4: "f", 8: "d"}[item], float("nan"))
nan_last = npy_copy("nan_last.npy", n,
                    lambda b: b.__setitem__(slice((n * d - 1) * item, n * d * item), nan_bytes))
fails_on_every_rank("a NaN only the last rank reads", mpirun + ["-np", "3"] + eval_cmd(nan_last, "json"),
                    "holds NaN or Inf")
short = npy_copy("fewer_rows.npy", n - 1)
fails_on_every_rank("--views with one row more", mpirun + ["-np", "3"] + eval_cmd(short, "json", ["--views", src]),
                    "row i of both must be one image")
if failures:
    sys.exit("\n".join(failures))
