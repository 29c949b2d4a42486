"""The image tasks' schedule: one-cycle training, then weight averaging (SWA) over one-epoch cycles."""
from types import SimpleNamespace

import torch
from fastai.callback.core import Callback
from fastai.test_utils import synth_learner

from shared.schedule import WeightAverage, fit


class Snapshots(Callback):
    "The weights and the learning rate at the end of every epoch."
    order = WeightAverage.order - 1  # sees each epoch's weights before the average is taken

    def before_fit(self):
        self.weights, self.lrs = [], []

    def after_batch(self):
        self.lrs.append(self.opt.hypers[-1]["lr"])

    def after_epoch(self):
        self.weights.append({k: v.detach().clone() for k, v in self.learn.model.state_dict().items()})


def test_weight_average_leaves_the_mean_of_the_epochs_weights():
    learn = synth_learner(n_trn=64, lr=0.1)
    snaps = Snapshots()
    learn.fit(4, cbs=[snaps, WeightAverage()])
    final = learn.model.state_dict()
    for k in final:
        mean = torch.stack([w[k].float() for w in snaps.weights]).mean(0)
        assert torch.allclose(final[k].float(), mean, atol=1e-6)
    assert not torch.allclose(final["a"], snaps.weights[-1]["a"])  # not simply the last epoch's weights


def test_swa_cycles_restart_the_learning_rate_every_epoch():
    learn = synth_learner(n_trn=64)
    snaps = Snapshots()
    learn.add_cb(snaps)
    fit(learn, SimpleNamespace(epochs=0, fine_tune=False, lr=0.05, swa_epochs=20))
    per_epoch = len(snaps.lrs) // 20
    for e in range(20):
        lrs = snaps.lrs[e * per_epoch:(e + 1) * per_epoch]
        assert lrs[0] > 0.04 and lrs[-1] < 0.01 and lrs == sorted(lrs, reverse=True)  # cosine 0.05 -> 0.0005
    assert len(snaps.weights) == 20
