"""The Lightning callback: its logic (embed each rank's share, gather in the
subset's order, report on rank 0, broadcast, log) with stand-in trainer and
module objects, and a real tiny Lightning run where Lightning is installed."""

import types

import numpy as np
import pytest

import embed_metrics as em
from conftest import blobs, torch_or_skip


def _encoder(torch):
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(12, 16), torch.nn.Tanh(), torch.nn.Linear(16, 6))


class StandInModule:
    """What the logic uses of a LightningModule."""

    def __init__(self, torch, net):
        self.net, self.device, self.training, self.logged = net, torch.device("cpu"), True, {}
        self.gather = None

    def __call__(self, x):
        return self.net(x)

    def eval(self):
        self.training = False

    def train(self, mode=True):
        self.training = mode

    def all_gather(self, t):
        return self.gather(t)

    def log_dict(self, d, **kwargs):
        self.logged = dict(d)


def trainer(epoch, rank=0, world=1, sanity=False):
    strategy = types.SimpleNamespace(broadcast=lambda obj, src=0: obj)
    return types.SimpleNamespace(current_epoch=epoch, global_rank=rank, world_size=world,
                                 sanity_checking=sanity, strategy=strategy)


def test_reports_every_n_epochs_and_logs_with_the_prefix():
    torch = torch_or_skip()
    from embed_metrics._callback import MonitorLogic

    x, y = blobs(n=90, d=12, k=3)
    inputs = torch.from_numpy(x)
    module = StandInModule(torch, _encoder(torch))
    tracker = em.Tracker()
    logic = MonitorLogic(inputs, labels=y, every_n_epochs=2, k=3, batch_size=32, tracker=tracker)
    assert logic.run(trainer(0), module) is None and module.logged == {}
    assert logic.run(trainer(1, sanity=True), module) is None
    metrics = logic.run(trainer(1), module)
    with torch.no_grad():
        expected = em.evaluate(module.net(inputs), y, k=3)
    assert module.logged["embed/silhouette"] == pytest.approx(expected.silhouette, abs=1e-12)
    assert module.logged["embed/knn_accuracy"] == expected.knn_accuracy
    assert set(metrics) == {k for k, v in expected.metrics().items() if v is not None}
    assert module.training and tracker.history[0]["epoch"] == 1


def test_rows_gathered_from_two_ranks_come_back_in_the_subset_s_order():
    torch = torch_or_skip()
    from embed_metrics._callback import MonitorLogic

    x, _ = blobs(n=91, d=12, k=3)  # odd: rank 1 pads one row
    inputs = torch.from_numpy(x)
    net = _encoder(torch)
    logic = MonitorLogic(inputs, k=3, batch_size=16)
    shares = [logic._embed_share(trainer(1, rank=r, world=2), StandInModule(torch, net))[0] for r in (0, 1)]
    module = StandInModule(torch, net)
    module.gather = lambda t: torch.stack(shares)
    full = logic._gather(module, shares[0], 91, 2)
    with torch.no_grad():
        np.testing.assert_allclose(full.numpy(), net(inputs).numpy(), atol=1e-6)


def _lightning():
    try:
        import lightning.pytorch as pl
        return pl
    except Exception:
        pass
    try:
        import pytorch_lightning as pl
        return pl
    except Exception as e:  # also a Lightning too new for the torch installed
        pytest.skip(f"Lightning is not installed or does not import with this torch ({type(e).__name__}: {e})")


def test_callback_in_a_tiny_lightning_run(tmp_path):
    torch = torch_or_skip()
    pl = _lightning()
    from embed_metrics.lightning import EmbedMetricsCallback

    x, y = blobs(n=64, d=12, k=3)
    inputs = torch.from_numpy(x)

    class Tiny(pl.LightningModule):
        def __init__(self):
            super().__init__()
            self.net = _encoder(torch)

        def forward(self, batch):
            return self.net(batch)

        def training_step(self, batch, _):
            return self.net(batch[0]).pow(2).mean()

        def validation_step(self, batch, _):
            self.log("val_loss", self.net(batch[0]).pow(2).mean())

        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=0.01)

    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(inputs), batch_size=16)
    cb = EmbedMetricsCallback(inputs, labels=y, k=3)
    ckpt = pl.callbacks.ModelCheckpoint(dirpath=tmp_path, monitor="embed/silhouette", mode="max")
    tr = pl.Trainer(max_epochs=2, callbacks=[cb, ckpt], logger=pl.loggers.CSVLogger(tmp_path), accelerator="cpu",
                    enable_progress_bar=False, enable_model_summary=False, num_sanity_val_steps=0)
    tr.fit(Tiny(), loader, loader)
    assert "embed/silhouette" in tr.callback_metrics
    assert float(tr.callback_metrics["embed/silhouette"]) == pytest.approx(cb.last_report.silhouette, abs=1e-6)
    assert ckpt.best_model_path
