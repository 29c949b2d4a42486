"""The colorize network (training side, torch): a pretrained EfficientNet-Lite encoder and a small U-Net decoder.

Encoder: the photo's lightness, turned into the grey sRGB photo the ImageNet weights expect (all three channels
alike), through the timm body; its feature maps at strides 4, 8, 16 and 32. Decoder: fastai DynamicUnet's
pattern made small for two CPU cores: from the stride-32 map up, each step doubles the resolution, joins the
encoder's map of that size (skip connection, batch-normalised) and mixes them with a 3x3 convolution; the last
one (stride 4) gives every pixel a score for each a/b colour bin. The colour is decoded at a quarter of the
working size and the serving side puts it, upsampled, on the photo's own full-resolution lightness.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .colour import lab_to_rgb

LEVELS = (1, 2, 3, 4)  # timm feature indices: strides 4, 8, 16, 32


def conv_bn_relu(c_in: int, c_out: int, k: int = 3) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(c_in, c_out, k, padding=k // 2, bias=False), nn.BatchNorm2d(c_out),
                         nn.ReLU(inplace=True))


class Encoder(nn.Module):
    "Normalised L (B, 1, H, W) -> grey sRGB normalised as the weights expect -> feature maps, strides 4..32."

    def __init__(self, arch: str, l_norm: tuple[float, float], rgb_norm: tuple[list, list]):
        super().__init__()
        import timm
        self.body = timm.create_model(arch, features_only=True, out_indices=LEVELS, pretrained=False)
        self.l_mean, self.l_std = l_norm
        for name, v in zip(("rgb_mean", "rgb_std"), rgb_norm):  # config.json holds them: not in the weights
            self.register_buffer(name, torch.tensor(v, dtype=torch.float32).view(1, 3, 1, 1), persistent=False)

    @property
    def channels(self) -> list[int]:
        return self.body.feature_info.channels()

    def grey(self, l: torch.Tensor) -> torch.Tensor:
        "The grey photo (B, 3, H, W) in [0, 1] of normalised lightness l: the colour photo with a = b = 0."
        L = (l * self.l_std + self.l_mean) * 100
        zero = torch.zeros_like(L)
        return lab_to_rgb(torch.cat([L, zero, zero], 1))

    def forward(self, l):
        return self.body((self.grey(l) - self.rgb_mean) / self.rgb_std)


class Up(nn.Module):
    "Twice the resolution, the encoder's map of that size joined (batch-normalised), a 3x3 conv."

    def __init__(self, c_in: int, c_skip: int, c_out: int):
        super().__init__()
        self.bn = nn.BatchNorm2d(c_skip)
        self.conv = conv_bn_relu(c_in + c_skip, c_out)

    def forward(self, x, skip):
        x = F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)
        return self.conv(torch.cat([x, self.bn(skip)], 1))


class Decoder(nn.Module):
    "Feature maps (strides 4, 8, 16, 32) -> colour-bin scores (B, n_out, H/4, W/4)."

    def __init__(self, channels: list[int], widths: list[int], n_out: int):
        super().__init__()
        c4, c8, c16, c32 = channels
        w16, w8, w4 = widths
        self.middle = conv_bn_relu(c32, w16, 1)
        self.up16, self.up8, self.up4 = Up(w16, c16, w16), Up(w16, c8, w8), Up(w8, c4, w4)
        self.head = nn.Conv2d(w4, n_out, 1)

    def forward(self, f4, f8, f16, f32):
        x = self.up16(self.middle(f32), f16)
        return self.head(self.up4(self.up8(x, f8), f4))


class Net(nn.Module):
    "Encoder + decoder: normalised L (B, 1, H, W), H and W multiples of 32 -> bin scores (B, n_out, H/4, W/4)."

    def __init__(self, encoder: Encoder, decoder: Decoder):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder

    def forward(self, l):
        return self.decoder(*self.encoder(l))


def widths(text: str) -> list[int]:
    return [int(w) for w in text.split(",")]
