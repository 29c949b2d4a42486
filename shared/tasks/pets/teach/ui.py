"""The pets Space's "Teach it your own labels" tab: upload a .zip (one folder per label), see the report, try the
taught model on new photos, download it. The work is in shared.tasks.pets.teach; this is the Gradio wiring.

Per visitor: the taught head lives in the visitor's gr.State (a few hundred KB; dropped when the tab closes).
On disk: each download is written once into Gradio's upload folder (so it is not copied again) and removed after
KEEP_SECONDS or when more than KEEP_MODELS are newer."""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import gradio as gr
from gradio.utils import get_upload_folder

from shared.serving import bounds
from shared.serving import ui
from shared.serving.errors import Refused
from shared.serving.images import open_image
from shared.tasks.pets import ui as ui_pets
from shared.tasks.pets.teach import model, report, teacher
from shared.tasks.pets.teach.photos import Limits
from shared.tasks.pets.words import T

KEEP_SECONDS, KEEP_MODELS = 1800, 20
TEACH_WAITING = 4  # lessons waiting at most (one runs at a time): a flood of /teach is refused, not queued for hours
LIMITS = Limits()



def workdir() -> Path:
    "A fresh folder for one taught model, in Gradio's upload folder; old ones are removed first."
    root = Path(get_upload_folder()) / "teach"
    root.mkdir(parents=True, exist_ok=True)
    old = sorted(root.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
    for i, path in enumerate(old):
        if i >= KEEP_MODELS or time.time() - path.stat().st_mtime > KEEP_SECONDS:
            shutil.rmtree(path, ignore_errors=True)
    return Path(tempfile.mkdtemp(dir=root))


def tab(predictor, source: str, sample: str | Path | None = None):
    """The tab's components and events, inside the app's gr.Blocks (api names: teach). `sample`: a .zip that one
    tap loads and teaches (so a visitor without photos at hand, on a phone, can try it)."""

    @bounds.waiting(TEACH_WAITING)
    def teach(archive, progress=gr.Progress(), request: gr.Request = None):
        """Teach the pets network new labels from a .zip of photos (one folder per label, at least 2 photos each).

        Args:
            archive: a .zip file with one folder of photos per label (file path or URL).

        Returns:
            the report (labels and counts, held-out accuracy by cross-validation), the confusion matrix picture,
            and the taught model as a .zip (safetensors + ONNX + config.json + model card).
        """
        lang = ui.lang(request)
        taught = teacher.teach(archive, predictor, lambda f, phrase: progress(f, desc=phrase.text(lang)), LIMITS)
        work = workdir()
        folder = model.write(taught, source, work / "taught-model", Path(archive).name)
        archive_out = model.zip_folder(folder, work / "taught-model.zip")
        shutil.rmtree(folder)
        lang = ui.lang(request)
        return (report.text(taught, lang), report.confusion_image(taught.labels, taught.confusion, lang=lang),
                str(archive_out), taught)

    def classify(image, taught, request: gr.Request = None):
        "A new photo labelled by the visitor's taught model."
        if taught is None:
            raise Refused(T, "t_teach_first")
        probs = teacher.classify(taught, predictor, open_image(image, max_side=4 * predictor.size))
        return probs, ui_pets.verdict(probs, {}, ui.lang(request))

    gr.Markdown(T("teach_about"))
    taught = gr.State(None, time_to_live=KEEP_SECONDS)
    with gr.Row():
        with gr.Column():
            archive = gr.File(label=T("zip"), file_types=[".zip"], type="filepath",
                              elem_id="teach-zip")
            has_sample = sample is not None and Path(sample).is_file()
            samples = gr.Examples([[str(sample)]], inputs=archive, label=T("sample")) if has_sample else None
            button = gr.Button(T("teach"), variant="primary")
            result = gr.File(label=T("model_zip"), visible=False)
        with gr.Column():
            text = gr.Markdown(elem_id="teach-report")
            confusion = gr.Image(label=T("confusion"), format="png")
    gr.Markdown(T("try_heading"))
    with gr.Row():
        with gr.Column():
            photo = ui.Photo(label=T("new_photo"), elem_id="teach-photo")
            label_it = gr.Button(T("label_it"))
        with gr.Column():
            verdict = gr.Markdown()
            label = gr.Label(num_top_classes=5, label=T("your_labels"), elem_id="teach-label")
    # one lesson at a time: the other request slot keeps answering predict while a lesson runs
    lesson = dict(concurrency_limit=1, concurrency_id="teach")
    taught_events = [button.click(teach, archive, [text, confusion, result, taught], api_name="teach", **lesson)]
    if samples is not None:
        taught_events.append(samples.load_input_event.then(teach, archive, [text, confusion, result, taught],
                                                           api_visibility="private", scroll_to_output=True, **lesson))
    for event in taught_events:  # the download appears once there is a model (empty, it looked like an upload box)
        event.success(lambda: gr.File(visible=True), None, result, api_visibility="private")
    gr.on([label_it.click, photo.upload], classify, [photo, taught], [label, verdict], api_visibility="private")
