"""shared.images.open_image: every upload becomes a clean upright RGB photo, or a clear BadImage message."""
import pytest
from PIL import Image

from conftest import load_image
from shared.images import BadImage, heatmap_overlay, open_image

UNREADABLE = ["corrupt", "not_an_image", "empty"]


@pytest.mark.parametrize("name", UNREADABLE)
def test_unreadable_files_get_a_clear_message(image_battery, name):
    with pytest.raises(BadImage, match="could not be read as an image"):
        open_image(image_battery[name])


def test_missing_input_gets_a_clear_message():
    with pytest.raises(BadImage, match="No image"):
        open_image(None)


@pytest.mark.parametrize("name", ["animated.gif", "rgba.png", "cmyk.jpg", "grey.png", "sixteen_bit.png",
                                  "one_pixel.png", "huge.png", "exif_rotated.jpg"])
def test_readable_oddities_become_rgb(image_battery, name):
    img = open_image(image_battery[name])
    assert img.mode == "RGB" and img.width >= 1 and img.height >= 1


def test_sixteen_bit_is_scaled_not_clipped(image_battery):
    grey = open_image(image_battery["grey.png"])
    deep = open_image(image_battery["sixteen_bit.png"])
    assert grey.getextrema() == deep.getextrema()  # 16-bit values / 257 land back on the 8-bit ones
    assert max(hi for _, hi in deep.getextrema()) > 200  # clipping to 255 would have made it all white


def test_transparent_pixels_become_white(image_battery):
    rgba = load_image(image_battery["rgba.png"])
    img = open_image(image_battery["rgba.png"])
    x = 0  # the alpha gradient runs top (transparent) to bottom (opaque)
    assert rgba.getpixel((x, 0))[3] == 0 and img.getpixel((x, 0)) == (255, 255, 255)


def test_exif_rotation_is_applied(image_battery):
    with Image.open(image_battery["exif_rotated.jpg"]) as stored:
        width, height = stored.size
    img = open_image(image_battery["exif_rotated.jpg"])
    assert img.size == (height, width)


def test_huge_jpeg_decodes_at_reduced_size(tmp_path):
    path = tmp_path / "big.jpg"
    Image.new("RGB", (8000, 6000), (200, 30, 30)).save(path, quality=80)
    img = open_image(path, max_side=400)
    assert 400 <= min(img.size) < 1600  # JPEG draft mode: decoded at 1/8, not 48 megapixels


def test_decompression_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.png"
    Image.new("1", (20000, 20000)).save(path)  # 400 megapixels, a few kB on disk
    with pytest.raises(BadImage, match="too large"):
        open_image(path)


def test_heatmap_overlay_colours_where_the_heat_is():
    import numpy as np
    photo = Image.new("RGB", (200, 100), (128, 128, 128))
    heat = np.zeros((10, 10)); heat[:, 5:] = 1.0
    out = np.asarray(heatmap_overlay(photo, heat))
    assert out.shape == (100, 200, 3)
    assert (out[:, :80] == 128).all()          # no heat: the photo unchanged
    hot = out[:, 120:].reshape(-1, 3).mean(0)  # full heat: jet's dark-red end, green and blue pulled down
    assert hot[0] > 2 * hot[1] and hot[0] > 2 * hot[2]


def test_past_the_limit_but_under_pils_own_is_refused_too(tmp_path):
    path = tmp_path / "big.png"
    Image.new("1", (13000, 10000)).save(path)  # 130 megapixels: PIL only warns; refused from the header
    with pytest.raises(BadImage, match="too large"):
        open_image(path)
