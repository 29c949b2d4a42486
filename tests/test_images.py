"""shared.serving.images.open_image: every upload becomes a clean upright RGB photo, or a clear Refused message."""
import pytest
from PIL import Image

from conftest import load_image
from shared.serving.errors import Refused
from shared.serving.images import heatmap_overlay, open_image

UNREADABLE = ["corrupt", "not_an_image", "empty"]


@pytest.mark.parametrize("name", UNREADABLE)
def test_unreadable_files_get_a_clear_message(image_battery, name):
    with pytest.raises(Refused, match="could not be read as an image"):
        open_image(image_battery[name])


def test_missing_input_gets_a_clear_message():
    with pytest.raises(Refused, match="No image"):
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
    with pytest.raises(Refused, match="too large"):
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
    with pytest.raises(Refused, match="too large"):
        open_image(path)


# ------------------------------------------------------------------ issue 31: a memory budget, checked from the header
def peak_growth_mb(path, call: str) -> float:
    "How far a fresh process's peak RSS rises over `call` on the file at `path` (after the imports), in MB."
    import subprocess
    import sys
    from conftest import REPO
    code = (f"import resource, sys; sys.path.insert(0, {str(REPO)!r})\n"
            "from shared.serving.images import open_image, Refused\n"
            "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            f"try:\n    {call}\nexcept Refused as e:\n    print('refused:', e)\n"
            "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True).stdout
    return float(out.strip().splitlines()[-1])


def test_a_16_bit_header_bomb_is_refused_before_decoding(tmp_path):
    "233 KB of 16-bit grey PNG, 10950x10950: +2.8 GB in pets before issue 31; refused from its header now."
    from shared.ops.benchmarks import hostile
    from shared.serving.images import TooLarge
    path = tmp_path / "grey16.png"
    path.write_bytes(hostile.png(10950, 10950, depth=16, colour=0))
    with pytest.raises(TooLarge, match="too large to open here: 10950x10950 pixels in mode I;16"):
        open_image(path, max_side=1040)
    assert peak_growth_mb(path, "open_image(sys.argv[1], max_side=1040)") < 50


def test_an_icon_is_checked_by_its_frames_real_size_before_pil_opens_it(tmp_path):
    "PIL decodes an .ico's largest frame as it opens the file; the directory's sizes are 8-bit, the frame can be huge."
    from shared.ops.benchmarks import hostile
    path = tmp_path / "huge.ico"
    path.write_bytes(hostile.icon(hostile.png(9000, 9000, depth=8, colour=6)))
    with pytest.raises(Refused, match="icon holds a 9000x9000 image"):
        open_image(path)
    assert peak_growth_mb(path, "open_image(sys.argv[1])") < 50
    small = tmp_path / "small.ico"
    Image.new("RGBA", (48, 48), (10, 200, 30, 255)).save(small, sizes=[(48, 48)])
    assert open_image(small).getpixel((5, 5)) == (10, 200, 30)


def test_a_lying_jpeg_header_is_refused_before_decoding(tmp_path):
    "A 632-byte JPEG claiming 6000x6000 ran a full 36 MP colorize (10.8 s): no JPEG that small holds that many pixels."
    from shared.ops.benchmarks import hostile
    path = tmp_path / "liar.jpg"
    path.write_bytes(hostile.lying_jpeg(6000, 6000))
    with pytest.raises(Refused, match="damaged: 632 bytes cannot hold 6000x6000 pixels"):
        open_image(path, max_side=1040)
    assert peak_growth_mb(path, "open_image(sys.argv[1])") < 50
    flattest = tmp_path / "flat.jpg"  # one grey, progressive, quality 1: the fewest bytes a real JPEG needs
    Image.new("L", (3000, 3000), 0).save(flattest, "JPEG", quality=1, progressive=True)
    assert open_image(flattest, max_side=500).size == (750, 750)


def test_non_jpeg_photos_are_reduced_right_after_decoding(tmp_path):
    "max_side for PNGs too: what teach keeps of each photo (one at full size at a time) is about max_side a side."
    path = tmp_path / "big.png"
    Image.new("RGB", (4000, 3000), (10, 20, 30)).save(path, compress_level=1)
    img = open_image(path, max_side=500)
    assert 500 <= min(img.size) < 1000 and img.getpixel((0, 0)) == (10, 20, 30)


def test_a_float_tiff_in_0_to_1_is_not_black(tmp_path):
    from shared.ops.benchmarks import hostile
    path = tmp_path / "float.tif"
    path.write_bytes(hostile.float_tiff())
    with Image.open(path) as img:
        assert img.mode == "F"
    lo, hi = open_image(path).convert("L").getextrema()
    assert lo == 0 and hi == 255  # the 0..1 ramp spans black to white (it was all black: 0..1 of 255)


def test_only_photo_formats_are_tried(tmp_path):
    "PIL has ~40 decoders; an upload is only offered to the photo formats' (FORMATS)."
    path = tmp_path / "photo.jpg"
    Image.new("RGB", (32, 32), (1, 2, 3)).save(path.with_suffix(".pcx"), "PCX")
    path.write_bytes(path.with_suffix(".pcx").read_bytes())
    with pytest.raises(Refused, match="could not be read"):
        open_image(path)


def test_a_webp_canvas_is_budgeted_with_its_decoders_two_canvases(tmp_path):
    "An animated WebP is decoded onto canvases of its header's size: 10000x10000 RGBA would be ~1.1 GB; refused unopened."
    from shared.ops.benchmarks import hostile
    from shared.serving.images import TooLarge, decode_cost
    path = tmp_path / "canvas.webp"
    path.write_bytes(hostile.webp_canvas(10000, 10000))
    with pytest.raises(TooLarge, match="10000x10000 pixels in mode RGBA"):
        open_image(path, max_side=1040)
    assert peak_growth_mb(path, "open_image(sys.argv[1], max_side=1040)") < 50
    path.write_bytes(hostile.webp_canvas(2000, 2000))
    measured = peak_growth_mb(path, "open_image(sys.argv[1], max_side=1040)")
    with Image.open(path) as img:
        assert measured <= decode_cost(img, 4_000_000, reduced=True) / 2**20 + 20  # the estimate holds (4 MP: ~61 MB)
