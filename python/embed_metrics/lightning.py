"""PyTorch Lightning callback: the label-free report of a fixed monitoring
subset every N epochs, logged so that TensorBoard, W&B and CSV loggers,
ModelCheckpoint(monitor="embed/silhouette") and EarlyStopping can use it.

Importing this module needs Lightning (``lightning`` or ``pytorch_lightning``);
``import embed_metrics`` does not import it.

    from embed_metrics.lightning import EmbedMetricsCallback
    cb = EmbedMetricsCallback(monitor_images, k=10, every_n_epochs=5,
                              embed=lambda module, x: module.encoder(x))
    trainer = pl.Trainer(callbacks=[cb, ModelCheckpoint(monitor="embed/silhouette", mode="max")])

inputs: a tensor of model inputs (the subset, the same every epoch); each
rank embeds every world_size-th row, the rows are gathered, rank 0 computes
the report (evaluate() with the keyword arguments given) and broadcasts it.
labels: optional labels of the subset (adds ami_c1_gt, ari_c1_gt, knn_accuracy).
on="validation" (default) runs at the end of each validation epoch, "train" at
the end of each training epoch. tracker: an embed_metrics.Tracker that also
records every report.
"""

from __future__ import annotations

try:
    import lightning.pytorch as pl
except ImportError:  # the older package name
    import pytorch_lightning as pl

from ._callback import MonitorLogic

__all__ = ["EmbedMetricsCallback"]


class EmbedMetricsCallback(MonitorLogic, pl.Callback):
    """See the module's documentation."""

    def __init__(self, inputs, **kwargs):
        pl.Callback.__init__(self)
        MonitorLogic.__init__(self, inputs, **kwargs)

    def on_validation_epoch_end(self, trainer, pl_module):
        if self.on == "validation":
            self.run(trainer, pl_module)

    def on_train_epoch_end(self, trainer, pl_module):
        if self.on == "train":
            self.run(trainer, pl_module)
