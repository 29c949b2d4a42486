"""The training schedule the image tasks share: fastai's `fine_tune` for a pretrained body (the gpu presets),
`fit_one_cycle` from scratch (the cpu presets), then optionally weight averaging (SWA) over short cycles."""
import torch
from fastai.callback.core import Callback
from fastai.callback.schedule import ParamScheduler, SchedCos
from torch.nn.parallel import DistributedDataParallel


def fit(learn, cfg):
    """Train `learn` for cfg.epochs at cfg.lr; cfg.fine_tune picks fine_tune (pretrained) over fit_one_cycle.
    Then cfg.swa_epochs (if any) one-epoch cosine cycles from cfg.lr, and the network keeps the mean of the
    weights at the end of each cycle (`WeightAverage`)."""
    if cfg.epochs:
        if cfg.fine_tune:
            learn.fine_tune(cfg.epochs, cfg.lr)
        else:
            learn.fit_one_cycle(cfg.epochs, cfg.lr)
    if getattr(cfg, "swa_epochs", 0):
        n, cosine = cfg.swa_epochs, SchedCos(cfg.lr, cfg.lr / 100)
        cycles = lambda pos: cosine(pos * n % 1)  # noqa: E731 (fastai's fit_sgdr with 1-epoch cycles)
        learn.fit(n, cbs=[ParamScheduler({"lr": cycles}), WeightAverage()])
    return learn


class WeightAverage(Callback):
    """Stochastic weight averaging (Izmailov et al., 2018): the weights at the end of every epoch are averaged,
    and the network holds that average when training ends. Averaged weights from one basin generalise better
    than any single one of them (a flatter minimum), at no cost when serving."""
    order = 90  # after the recorder and schedulers

    def before_fit(self):
        self.mean, self.n = None, 0

    @torch.no_grad()
    def after_epoch(self):
        model = self.learn.model  # the network itself, also under accelerate launch (shared.distributed)
        model = model.module if isinstance(model, DistributedDataParallel) else model
        state = {k: v.detach().float().clone() for k, v in model.state_dict().items()}
        self.n += 1
        if self.mean is None:
            self.mean = state
        else:
            for k, v in state.items():
                self.mean[k] += (v - self.mean[k]) / self.n

    @torch.no_grad()
    def after_fit(self):
        if self.mean is None:
            return
        current = self.learn.model.state_dict()
        self.learn.model.load_state_dict({k: v.to(current[k].dtype) for k, v in self.mean.items()})
