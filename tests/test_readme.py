"""README tells the truth: its numbers are the cards' (`python -m shared.ops.readme --check`), and every Python snippet
runs, as written, against the server it names (`# server: make demo` = the gallery; `# server: spaces/<name>/app.py`
= that Space alone), on a free port instead of 7860."""
import re
import zipfile

import pytest

from conftest import REPO, serve
from shared.ops import readme

SNIPPETS = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(), re.S)


def test_readme_numbers_are_the_cards():
    assert readme.main(["--check"]) == 0, "run: python -m shared.ops.readme"


def test_every_snippet_names_its_server():
    assert SNIPPETS
    for code in SNIPPETS:
        assert re.match(r"# server: (make demo|spaces/\w+/app\.py)\n", code), code
        assert 'Client("http://127.0.0.1:7860/")' in code


def teach_zip(folder) -> str:
    "A .zip like the README's my-photos.zip: two labels, two photos each (the pets Space's own examples)."
    photos = sorted((REPO / "spaces" / "pets" / "examples").glob("*.jpg"))
    path = folder / "my-photos.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for i, photo in enumerate(photos[:4]):
            zf.write(photo, f"{'cats' if i < 2 else 'dogs'}/{photo.name}")
    return str(path)


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(SNIPPETS)))
def test_snippet_runs_against_the_server_it_names(index, request, tmp_path, monkeypatch):
    code = SNIPPETS[index]
    server = re.match(r"# server: (.*)\n", code).group(1)
    monkeypatch.chdir(REPO)  # paths in snippets are relative to the checkout
    code = code.replace('"my-photos.zip"', repr(teach_zip(tmp_path)))
    if server == "make demo":
        url = request.getfixturevalue("gallery_server")
        namespace = {}
        exec(compile(code.replace("http://127.0.0.1:7860/", url), "README.md", "exec"), namespace)
    else:
        with serve(REPO / server) as url:
            namespace = {}
            exec(compile(code.replace("http://127.0.0.1:7860/", url), "README.md", "exec"), namespace)
    values = [v for k, v in namespace.items() if not k.startswith("__") and k not in ("Client", "handle_file")]
    assert all(v is not None for v in values)
