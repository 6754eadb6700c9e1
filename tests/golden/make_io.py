#!/usr/bin/env python3
"""Write the small files the io tests read (tests/golden/io/): every layout
the loader accepts, written by NumPy itself (or, for .safetensors, by the
format's definition: 8-byte little-endian header length, JSON header, data).

Every matrix is 3 x 4 with x[i, j] = 4 i + j - 5.5, values k - 5.5 for
k = 0..11, exact in float16, bfloat16, float32 and float64; the tests compute
the same formula. Labels are [2, 0, 2]. Run with /usr/bin/python3 (NumPy 1.24).
"""
import json
import os
import struct
import zipfile

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "io")
os.makedirs(OUT, exist_ok=True)

X = (4 * np.arange(3)[:, None] + np.arange(4)[None, :] - 5.5).astype(np.float64)
LABELS = np.array([2, 0, 2], dtype=np.int64)


def path(name):
    return os.path.join(OUT, name)


def save_npy(name, arr, version=None):
    with open(path(name), "wb") as f:
        np.lib.format.write_array(f, arr, version=version, allow_pickle=False)


# .npy: versions, byte orders, memory orders, dtypes
save_npy("v1_f4.npy", X.astype("<f4"), (1, 0))
save_npy("v2_f4.npy", X.astype("<f4"), (2, 0))
save_npy("v3_f4.npy", X.astype("<f4"), (3, 0))
save_npy("le_f8.npy", X.astype("<f8"))
save_npy("be_f8.npy", X.astype(">f8"))
save_npy("be_f4_fortran.npy", np.asfortranarray(X.astype(">f4")))
save_npy("le_f2.npy", X.astype("<f2"))
save_npy("be_f2.npy", X.astype(">f2"))
save_npy("f8_fortran.npy", np.asfortranarray(X.astype("<f8")))
save_npy("i2_fortran.npy", np.asfortranarray((X + 5.5).astype("<i2")))
save_npy("labels_i8.npy", LABELS)
save_npy("labels_be_i4.npy", LABELS.astype(">i4"))
save_npy("labels_u1.npy", LABELS.astype("|u1"))

# .npz: stored and deflated (NumPy writes zip64 local headers)
np.savez(path("stored.npz"), x=X.astype(np.float32), labels=LABELS)
np.savez_compressed(path("deflated.npz"), x=X.astype(np.float16), labels=LABELS,
                    xf=np.asfortranarray(X.astype(">f8")))
np.savez(path("single.npz"), X.astype(np.float32))  # the only array: arr_0

# .safetensors
def bf16_bytes(a):
    bits = a.astype("<f4").view("<u4")
    assert np.all(bits & 0xFFFF == 0), "values must be exact in bfloat16"
    return (bits >> 16).astype("<u2").tobytes()


def write_safetensors(name, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    for tname, (dtype, shape, data) in tensors.items():
        header[tname] = {"dtype": dtype, "shape": list(shape),
                         "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path(name), "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


write_safetensors("tensors.safetensors", {
    "f16": ("F16", X.shape, X.astype("<f2").tobytes()),
    "bf16": ("BF16", X.shape, bf16_bytes(X)),
    "f32": ("F32", X.shape, X.astype("<f4").tobytes()),
    "f64": ("F64", X.shape, X.astype("<f8").tobytes()),
    "labels": ("I64", LABELS.shape, LABELS.tobytes()),
}, metadata={"format": "pt"})
write_safetensors("one.safetensors", {"emb": ("BF16", X.shape, bf16_bytes(X))})

# text: CSV / TSV with and without a header; labels one per line
np.savetxt(path("plain.csv"), X, delimiter=",", fmt="%.2f")
np.savetxt(path("header.csv"), X, delimiter=",", fmt="%g", header="a,b,c,d", comments="")
np.savetxt(path("plain.tsv"), X, delimiter="\t", fmt="%.1f")
np.savetxt(path("header.tsv"), X, delimiter="\t", fmt="%.3e", header="a\tb\tc\td", comments="")
np.savetxt(path("labels.txt"), LABELS, fmt="%d")
np.savetxt(path("labels_header.csv"), LABELS, fmt="%d", header="label", comments="")
# labels held in a float array, as np.savetxt writes it by default (%.18e,
# a '# ' comment header): the label reader takes whole numbers in float form
np.savetxt(path("labels_savetxt.txt"), LABELS.astype(np.float64), header="cluster labels")

# raw binary
X.astype("<f4").tofile(path("x_3x4.f4"))
X.astype(">f8").tofile(path("x_3x4_be.f8"))
X.astype("<f2").tofile(path("x_3x4.f2"))
with open(path("x_3x4.bf16"), "wb") as f:
    f.write(bf16_bytes(X))
print("wrote", len(os.listdir(OUT)), "files to", OUT)
