"""The training CLI under `accelerate launch` (or `torchrun`): one process per device, fastai's distributed training.

    accelerate launch -m shared.training.cli pets --preset gpu --out models/pets          # every GPU of this machine
    accelerate launch --multi_gpu --num_processes 2 -m shared.training.cli pets --preset tiny --out /tmp/pets  # 2 CPU processes

Each process builds the same learner, the main process first (downloads and caches are written once: fastai's
`rank0_first`); then every `Learner.fit` of the task's schedule runs in fastai's `distrib_ctx`: the model in
DistributedDataParallel (through an accelerate `Accelerator`), each epoch's batches split between the processes
(`DistributedDL`). `--bs` is per process: N processes take N x bs examples a step. Without a GPU the processes
train on the CPU and talk over gloo. Then the main process alone evaluates (the same held-out data and code as
a single-process run, so the card's numbers mean the same), writes the artifact and card, and pushes.

Not split: a fit inside `learner(cfg)` (a language model fine-tuned before the classifier, say) runs in every process
whole, the main one first; `--lr-find` is refused (each process would stop at its own loss). Started as plain
`python -m shared.training` (no WORLD_SIZE above 1), nothing here changes anything.
"""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager


def world_size() -> int:
    return int(os.environ.get("WORLD_SIZE", 1))


def rank() -> int:
    return int(os.environ.get("RANK", 0))


def active() -> bool:
    "Started by a distributed launcher with more than one process."
    return world_size() > 1


def is_main() -> bool:
    return rank() == 0


def start():
    """Join the process group: over NCCL on GPUs, over gloo on CPUs (accelerate's MULTI_CPU)."""
    if not active():
        return None
    import torch
    from accelerate import PartialState
    return PartialState(cpu=not torch.cuda.is_available())


@contextmanager
def alone():
    "This process on its own: fastai gathers every prediction and loss across processes while WORLD_SIZE > 1."
    saved = {k: os.environ.get(k) for k in ("WORLD_SIZE", "RANK")}
    os.environ.update(WORLD_SIZE="1", RANK="0")
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def build(make, *args):
    """make(*args) in the main process first, then in the others at once (downloads and caches written once).
    Each builds alone: a fit inside (a language model's, say) trains in every process, not split between them."""
    if not active():
        return make(*args)
    from fastai.distributed import rank0_first

    def by_itself():
        with alone():
            return make(*args)
    return rank0_first(by_itself)


def _broadcast(self, t, rank):
    "fastai's DistributedDL._broadcast sends through CUDA (NCCL only); gloo needs the tensor on the CPU."
    import torch
    device = "cuda" if torch.distributed.get_backend() == "nccl" else "cpu"
    t = torch.tensor(t, dtype=torch.long, device=device)
    torch.distributed.broadcast(t, rank)
    return t.cpu().tolist()


@contextmanager
def every_fit():
    """While open, every `Learner.fit` (fit_one_cycle, fine_tune, the SWA cycles, ensemble members)
    trains in fastai's distributed context. After each, every process prints how many batches it trained on
    and the sum of its parameters (DistributedDataParallel keeps them equal: one model, trained together)."""
    if not active():
        yield
        return
    import torch
    from fastai.distributed import DistributedDL
    from fastai.learner import Learner
    plain_fit, plain_broadcast = Learner.fit, DistributedDL._broadcast
    sync_bn = torch.cuda.is_available()  # SyncBatchNorm runs on GPUs only

    def fit(self, *args, **kwargs):
        with self.distrib_ctx(sync_bn=sync_bn):
            out = plain_fit(self, *args, **kwargs)
        weights = sum(p.detach().double().sum().item() for p in self.model.parameters())  # the same in every process
        # one write of the whole line: print() writes the text and its newline apart, and the other process's
        # line can land between them on a shared pipe
        sys.stdout.write(f"process {rank()} of {world_size()}: trained on {self.train_iter} batches; "
                         f"parameters sum to {weights!r}\n")
        sys.stdout.flush()
        return out

    Learner.fit, DistributedDL._broadcast = fit, _broadcast
    try:
        yield
    finally:
        Learner.fit, DistributedDL._broadcast = plain_fit, plain_broadcast


def finish() -> bool:
    """Training is over: leave the process group. True in the main process, which then evaluates, saves and
    pushes alone, as a single process."""
    if not active():
        return True
    import torch
    torch.distributed.barrier()
    torch.distributed.destroy_process_group()
    if not is_main():
        return False
    os.environ.update(WORLD_SIZE="1", RANK="0")  # alone for the rest of this process
    return True
