"""The training schedule the image tasks share: fastai's `fine_tune` for a pretrained body (the gpu presets),
`fit_one_cycle` from scratch (the cpu presets)."""


def fit(learn, cfg):
    "Train `learn` for cfg.epochs at cfg.lr; cfg.fine_tune picks fine_tune (pretrained) over fit_one_cycle."
    if cfg.fine_tune:
        learn.fine_tune(cfg.epochs, cfg.lr)
    else:
        learn.fit_one_cycle(cfg.epochs, cfg.lr)
    return learn
