"""A tiny SimCLR run on the scikit-learn digits (they ship with scikit-learn:
nothing is downloaded), tracked every epoch by embed_metrics.Tracker: the
label-free report of the encoder's embeddings next to a linear probe's
accuracy, written to CSV / JSON Lines as training goes, their correlation
printed at the end, and a plot when matplotlib is installed.

    python examples/python/simclr_tracked.py [--epochs 15] [--out out/python-simclr]
"""

import argparse
import sys

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    print("simclr_tracked.py: PyTorch is not installed; nothing to do (pip install torch, "
          "or Debian's python3-torch)")
    sys.exit(0)

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

import embed_metrics as em


def augment(x):
    """Two random views of 8x8 digits: a shift of up to one pixel, pixel dropout and noise."""
    imgs = x.view(-1, 1, 8, 8)
    dx, dy = np.random.randint(-1, 2, size=2)
    imgs = torch.roll(imgs, shifts=(int(dy), int(dx)), dims=(2, 3))
    keep = (torch.rand_like(imgs) > 0.2).float()
    return (imgs * keep + 0.1 * torch.randn_like(imgs)).view(x.shape[0], -1)


def nt_xent(z1, z2, temperature=0.2):
    """SimCLR's contrastive loss: each view must pick its partner among the 2N - 1 others."""
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    sim = z @ z.t() / temperature
    sim.fill_diagonal_(float("-inf"))
    n = z1.shape[0]
    target = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(sim, target)


def linear_probe(train_z, train_y, test_z, test_y):
    clf = LogisticRegression(max_iter=500).fit(train_z, train_y)
    return clf.score(test_z, test_y)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=15)
    ap.add_argument("--out", default="out/python-simclr")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    digits = load_digits()
    x_all = torch.tensor(digits.data / 16.0, dtype=torch.float32)
    y_all = digits.target
    idx_train, idx_test = train_test_split(np.arange(len(y_all)), test_size=0.3, random_state=args.seed,
                                           stratify=y_all)

    encoder = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 32))
    projector = torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Linear(32, 32))
    opt = torch.optim.Adam([*encoder.parameters(), *projector.parameters()], lr=1e-3)
    tracker = em.Tracker(args.out, name="simclr", k=10)
    loader = torch.utils.data.DataLoader(x_all[idx_train], batch_size=128, shuffle=True)

    for epoch in range(args.epochs + 1):
        if epoch > 0:  # epoch 0 is the untrained encoder
            for batch in loader:
                loss = nt_xent(projector(encoder(augment(batch))), projector(encoder(augment(batch))))
                opt.zero_grad()
                loss.backward()
                opt.step()
        with torch.no_grad():
            z = encoder(x_all)  # a torch tensor: embed_metrics reads it in place
        acc = linear_probe(z[idx_train].numpy(), y_all[idx_train], z[idx_test].numpy(), y_all[idx_test])
        r = tracker.update(epoch, z[idx_test], lp_acc=acc)
        print(f"epoch {epoch:2d}  lp_acc {acc:.3f}  silhouette {r.silhouette:.3f}  "
              f"AMI(C1;C2) {r.ami_c1_c2:.3f}  kNN entropy {r.knn_entropy:.2f}  rank {r.effective_rank:.1f}")

    print(f"\nwritten: {tracker.csv_path}, {tracker.jsonl_path}")
    print("correlation with the linear-probe accuracy (Spearman):")
    for metric, c in tracker.correlation().items():
        print(f"  {metric:18s} {c['spearman']:+.2f}")
    try:
        tracker.plot(f"{args.out}/simclr.png")
        print(f"plot: {args.out}/simclr.png")
    except ImportError:
        print("(matplotlib is not installed: no plot)")


if __name__ == "__main__":
    main()
