"""shared.serving.validate: the checks every event's raw inputs pass, and which files count as sent by the client."""
import math

import pytest

from shared.serving import validate
from shared.serving.errors import Refused


@pytest.mark.parametrize("value", ["5", None, [5], True, math.nan, math.inf, 0, 101, 2.5])
def test_numbers_outside_type_or_range_name_the_parameter(value):
    with pytest.raises(Refused, match=r"k must be a whole number from 1 to 100, not "):
        validate.number(value, "k", 1, 100, whole=True)


def test_good_numbers_pass():
    assert validate.number(7, "k", 1, 100, whole=True) == 7 and validate.number(0.5, "s", 0, 2) == 0.5


def test_choices_are_listed_only_when_few():
    with pytest.raises(Refused, match="'a', 'b'"):
        validate.choice("c", "x", ["a", "b"])
    with pytest.raises(Refused) as long:
        validate.choice("nope", "movie", [str(i) for i in range(9000)])
    assert len(str(long.value)) < 120


def test_only_files_in_gradios_upload_folder_count_as_received(tmp_path, monkeypatch):
    uploads = tmp_path / "uploads"
    (uploads / "abc").mkdir(parents=True)
    (uploads / "abc" / "photo.png").write_bytes(b"x")
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"x")
    (uploads / "abc" / "link.png").symlink_to(outside)
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(uploads))
    assert validate.received_file(str(uploads / "abc" / "photo.png")) == str((uploads / "abc" / "photo.png").resolve())
    for path in [str(outside), str(uploads / "abc" / ".." / ".." / "secret.png"), str(uploads / "abc" / "link.png"),
                 str(uploads / "abc"), str(uploads / "missing.png"), "", None, "/etc/passwd"]:
        assert validate.received_file(path) is None
    for raw in [{"path": str(outside)}, [{"path": str(outside)}], {"value": {"path": "/etc/passwd"}}]:
        with pytest.raises(Refused, match=validate.NOT_RECEIVED[:30]):
            validate.files(raw)
    validate.files({"path": str(uploads / "abc" / "photo.png")})
    validate.files({"url": "data:image/png;base64,AAAA"})
