"""What EmbedMetricsCallback does, apart from Lightning itself, so that it can
be read and tested where Lightning is not installed: embed a fixed
monitoring subset (each rank its share), gather it, compute the report on
rank 0 every N epochs, broadcast it, log it."""

from __future__ import annotations

from typing import Callable, Optional

from .errors import InvalidArgumentError
from .report import evaluate


class MonitorLogic:
    """The callback's behaviour over duck-typed trainer / module objects."""

    def __init__(self, inputs, *, labels=None, every_n_epochs: int = 1, embed: Optional[Callable] = None,
                 batch_size: int = 256, prefix: str = "embed/", tracker=None, on: str = "validation",
                 **evaluate_kwargs):
        if every_n_epochs < 1:
            raise InvalidArgumentError(f"every_n_epochs = {every_n_epochs}: use a positive count")
        if on not in ("validation", "train"):
            raise InvalidArgumentError(f"on = {on!r}: use 'validation' or 'train'")
        self.inputs = inputs
        self.labels = labels
        self.every_n_epochs = int(every_n_epochs)
        self.embed = embed
        self.batch_size = int(batch_size)
        self.prefix = prefix
        self.tracker = tracker
        self.on = on
        self.evaluate_kwargs = evaluate_kwargs
        self.last_report = None

    def _due(self, trainer) -> bool:
        if getattr(trainer, "sanity_checking", False):
            return False
        return (trainer.current_epoch + 1) % self.every_n_epochs == 0

    def _embed_share(self, trainer, pl_module):
        """This rank's rows (i = rank, rank + world, ...) embedded, padded to ceil(n / world) rows."""
        import torch

        world, rank = max(1, int(trainer.world_size)), int(trainer.global_rank)
        n = len(self.inputs)
        per_rank = -(-n // world)
        mine = list(range(rank, n, world))
        embed = self.embed or (lambda module, batch: module(batch))
        was_training = pl_module.training
        pl_module.eval()
        out = []
        try:
            with torch.no_grad():
                for start in range(0, len(mine), self.batch_size):
                    idx = torch.tensor(mine[start:start + self.batch_size], dtype=torch.long)
                    batch = self.inputs[idx].to(pl_module.device)
                    out.append(embed(pl_module, batch).detach().float().flatten(1))
        finally:
            pl_module.train(was_training)
        emb = torch.cat(out) if out else None
        if emb is None:  # a rank with no rows still takes part in the gather
            probe = self.inputs[:1].to(pl_module.device)
            with torch.no_grad():
                d = embed(pl_module, probe).flatten(1).shape[1]
            emb = torch.zeros(0, d, device=pl_module.device)
        if emb.shape[0] < per_rank:
            pad = torch.zeros(per_rank - emb.shape[0], emb.shape[1], dtype=emb.dtype, device=emb.device)
            emb = torch.cat([emb, pad])
        return emb, n, world

    def _gather(self, pl_module, emb, n, world):
        """All ranks' rows in the subset's order."""
        if world == 1:
            return emb[:n]
        gathered = pl_module.all_gather(emb)  # (world, per_rank, d): rank r's row j is subset row j * world + r
        return gathered.transpose(0, 1).reshape(-1, gathered.shape[-1])[:n]

    def run(self, trainer, pl_module):
        """Called at the end of each epoch (validation or train, as chosen)."""
        if not self._due(trainer):
            return None
        emb, n, world = self._embed_share(trainer, pl_module)
        full = self._gather(pl_module, emb, n, world)
        metrics = None
        if trainer.global_rank == 0:
            report = evaluate(full, self.labels, **self.evaluate_kwargs)
            self.last_report = report
            if self.tracker is not None:
                self.tracker.log(trainer.current_epoch, report)
            metrics = {k: float(v) for k, v in report.metrics().items() if v is not None}
        if world > 1:
            metrics = trainer.strategy.broadcast(metrics, src=0)
        # Every rank logs the same values, so no reduction is needed; the
        # loggers, ModelCheckpoint(monitor=...) and EarlyStopping see them.
        pl_module.log_dict({self.prefix + k: v for k, v in metrics.items()}, sync_dist=False, rank_zero_only=False)
        return metrics
