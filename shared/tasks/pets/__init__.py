"""Pets: one photo -> its breed (37 Oxford-IIIT breeds) and cat-or-dog; or your own labels.

`config` (settings, no heavy imports), `data` (which photos), `train` (fastai, timm, torch: the training side),
`serve` (ONNX Runtime, numpy, PIL: the serving side), `evaluate` (metrics through the serving path).
"""
