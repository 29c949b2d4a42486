"""Pretrained weights from pip packages: pinned, mapped onto timm's networks tensor by tensor, and right."""
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from shared.serving import weights
from shared.training import pretrained

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "spaces" / "pets" / "examples"


def imagenet_top5(model, arch: str, photo: Path) -> list[str]:
    from timm.data import ImageNetInfo
    w = weights.KNOWN[arch]
    img = Image.open(photo).convert("RGB").resize((w.size, w.size), Image.BICUBIC)
    x = torch.from_numpy(np.array(img)).permute(2, 0, 1).float()[None] / 255
    x = (x - torch.tensor(w.mean).view(1, 3, 1, 1)) / torch.tensor(w.std).view(1, 3, 1, 1)
    with torch.no_grad():
        top = model(x)[0].topk(5).indices
    return [ImageNetInfo().index_to_description(int(i)) for i in top]


@pytest.mark.parametrize("arch", sorted(weights.KNOWN))
def test_the_imagenet_head_knows_the_example_pets(arch):
    "The loaded network, ImageNet head included, puts the right ImageNet class in its top 5 for the examples."
    model = pretrained.create(arch)
    for photo, imagenet_class in (("pug_145.jpg", "pug"), ("samoyed_14.jpg", "Samoyed"),
                                  ("Siamese_142.jpg", "Siamese cat"), ("beagle_121.jpg", "beagle")):
        top5 = imagenet_top5(model, arch, EXAMPLES / photo)
        assert any(c.startswith(imagenet_class) for c in top5), (photo, top5)


def test_a_file_that_is_not_the_pinned_one_is_refused(tmp_path):
    fake = tmp_path / "weights.pth"
    torch.save({"w": torch.zeros(1)}, fake)
    with pytest.raises(weights.PretrainedError, match="not the pinned"):
        weights.check_sha256(fake, "0" * 64)


def test_every_tensor_must_fit_by_position_and_shape():
    target = {"a.weight": torch.zeros(4, 3), "a.bias": torch.zeros(4), "bn.num_batches_tracked": torch.tensor(0)}
    ok = pretrained.map_state({"x": torch.ones(4, 3), "y": torch.ones(4)}, target, "test")
    assert list(ok) == ["a.weight", "a.bias"] and ok["a.weight"].sum() == 12
    with pytest.raises(weights.PretrainedError, match=r"tensor y \(5,\) does not fit a.bias \(4,\)"):
        pretrained.map_state({"x": torch.ones(4, 3), "y": torch.ones(5)}, target, "test")
    with pytest.raises(weights.PretrainedError, match="holds 1 tensors, the network needs 2"):
        pretrained.map_state({"x": torch.ones(4, 3)}, target, "test")


def test_the_body_alone_has_the_same_features_as_the_whole_network():
    "num_classes=0 keeps the pretrained body: its pooled features are the classifier's input."
    full = pretrained.create("tf_efficientnet_lite0")
    body = pretrained.create("tf_efficientnet_lite0", num_classes=0)
    x = torch.randn(2, 3, 96, 96)
    with torch.no_grad():
        assert torch.allclose(full.forward_head(full.forward_features(x), pre_logits=True), body(x), atol=1e-5)
