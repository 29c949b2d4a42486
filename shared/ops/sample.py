"""A Space's first example as an API call, asked from the live server: what the tests, the benchmarks and the
screenshots send to each Space (`sample_request`), and the arguments gradio_client needs for it (`client_args`).
"""
from __future__ import annotations

from pathlib import Path


def sample_request(space_url: str, api_name: str = "predict", page: str | None = None, timeout: float = 60) -> dict:
    """The arguments of a `/predict` call made from the Space's first example, asked from the live server.

    Reads the app's /config, finds the examples table (`gr.Examples`) that fills some of `predict`'s inputs,
    asks the server for its first row through the examples' own `load_example` event (so the values are in
    the API's format, whatever the components), and fills the other inputs with their default values.
    No Space needs to declare anything. On the suite (one server, a page per Space) give the page and the
    Space's endpoint name: `sample_request(server, api_name("pets"), page="pets")`. Returns {"args": [...], "files": [positions of file inputs, given as
    URLs on this server], "example": the examples component id or None, "triggers": [[id, event], ...],
    "inputs": [...], "outputs": [...], "example_label": the examples' label, "buttons": the texts of the
    buttons that run `predict`, "tabs": the tabs to open to see them} (what a browser test clicks).
    """
    import httpx
    space_url = space_url.rstrip("/") + "/"
    config = httpx.get(space_url + "config", params={"page": page} if page else None, timeout=timeout).json()
    comps = {c["id"]: c for c in config["components"]}
    deps = config["dependencies"]
    dep = next((d for d in deps if d.get("api_name") == api_name), None)
    if dep is None:
        raise LookupError(f"{space_url} has no {api_name!r} endpoint")
    inputs = dep["inputs"]
    values = {i: comps[i].get("props", {}).get("value") for i in inputs}
    example_id = None
    for c in config["components"]:
        filled = c.get("props", {}).get("component_ids") or []
        if c["type"] != "dataset" or not set(filled) & set(inputs):
            continue
        load = next((d for d in deps if d.get("backend_fn") and [c["id"], "click"] in d["targets"]), None)
        if load is None or not load.get("api_name"):
            continue
        r = httpx.post(space_url + f"gradio_api/run/{load['api_name']}", json={"data": [0]}, timeout=timeout)
        r.raise_for_status()
        for comp_id, update in zip(load["outputs"], r.json()["data"]):
            if comp_id in values:
                is_update = isinstance(update, dict) and update.get("__type__") == "update"
                if not is_update or "value" in update:
                    values[comp_id] = update.get("value") if is_update else update
        example_id = c["id"]
        break
    from shared.serving.i18n import text_of
    english = lambda value: text_of(value, "en", config.get("i18n_translations") or {})

    def text(comp_id):  # what an English visitor reads on it: a button's text, an examples table's label
        props = comps[comp_id].get("props", {})
        return english(props.get("value") if comps[comp_id]["type"] == "button" else props.get("label"))

    args, files = [], []
    for n, i in enumerate(inputs):
        v = values[i]
        if isinstance(v, dict) and (v.get("meta") or {}).get("_type") == "gradio.FileData":
            files.append(n)
            v = space_url + "gradio_api/file=" + v["path"] if v.get("path") else v.get("url")
        args.append(v)
    return {"args": args, "files": files, "example": example_id, "triggers": dep["targets"],
            "inputs": inputs, "outputs": dep["outputs"],
            "example_label": (text(example_id) or "Examples") if example_id is not None else None,
            "buttons": [text(i) for i, event in dep["targets"] if event == "click" and text(i)],
            "tabs": [english(t) for t in tabs_to(config.get("layout", {}),
                                                  example_id if example_id is not None else inputs[0], comps)]}


def tabs_to(layout: dict, target: int, comps: dict) -> list[str]:
    "The labels of the tabs to open, outermost first, to see component `target` in a Blocks layout tree."
    def path(node):
        if node.get("id") == target:
            return [node["id"]]
        for child in node.get("children", []):
            found = path(child)
            if found:
                return [node.get("id"), *found]
        return None

    ids = path(layout) or []
    return [comps[i]["props"].get("label") for i in ids
            if i in comps and comps[i]["type"] == "tabitem" and comps[i].get("props", {}).get("label")]


def client_args(sample: dict, folder) -> list:
    """`sample["args"]` ready for gradio_client's `predict`: example files downloaded once into `folder` and
    wrapped in `handle_file`, so that every call uploads them as a real client does (a Gradio server refuses
    to fetch URLs on its own host)."""
    import httpx
    from gradio_client import handle_file
    args = list(sample["args"])
    for n in sample["files"]:
        r = httpx.get(args[n], timeout=60)
        r.raise_for_status()
        name = Path(args[n].split("?")[0]).name or f"input-{n}"
        local = Path(folder) / f"{n}-{name}"
        local.write_bytes(r.content)
        args[n] = handle_file(str(local))
    return args
