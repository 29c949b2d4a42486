"""Write `model.onnx` for an artifact from its `config.json` + `model.safetensors` (training side: imports torch).

    python -m shared.training.export spaces/sentiment/model      # re-export a committed model; no retraining

The task's `train.build_model(config)` rebuilds the network (random weights), the artifact's weights are loaded
strictly, and the task's `train.to_onnx(model, config)` exports it (`onnx_bytes` below does the exporting).
Each task's `train.export` converts through the same `servable` (once per training run), so a freshly trained
artifact and a re-exported one are alike.
"""
from __future__ import annotations

import argparse
import io
import warnings
from pathlib import Path

from shared import tasks
from shared.serving import artifact
from shared.training import checkpoint

LEGACY_EXPORTER = "You are using the legacy TorchScript-based ONNX export"


def onnx_bytes(model, example_inputs: tuple, input_names: list[str], output_names: list[str],
               dynamic_axes: dict | None = None, opset: int = 17, fold_constants: bool = True) -> bytes:
    """A torch network exported to ONNX bytes in eval mode (handed back in the mode it was in). The TorchScript
    exporter: no onnxscript needed; `dynamic_axes` for the axes of any size (batch, height, width...);
    fold_constants=False keeps float16 weights float16 in the file (cast at run time) instead of folding the cast."""
    import torch
    buf = io.BytesIO()
    was_training = model.training
    model.eval()
    with torch.no_grad(), warnings.catch_warnings():
        # chosen on purpose (BENCHMARKS.md, "ONNX exporter"): the TorchScript exporter, whose deprecation notice
        # is silenced here by its own message only
        warnings.filterwarnings("ignore", LEGACY_EXPORTER, DeprecationWarning)
        torch.onnx.export(model, example_inputs, buf, input_names=input_names, output_names=output_names,
                          dynamic_axes=dynamic_axes or {}, opset_version=opset, dynamo=False,
                          do_constant_folding=fold_constants)
    model.train(was_training)
    return buf.getvalue()


def float16_weights(onnx: bytes, min_size: int = 1024) -> bytes:
    """The same network with its float32 weights (of at least `min_size` numbers) stored as float16, each cast back
    to float32 by a Cast node that ONNX Runtime folds when the session starts: half the file, float32 arithmetic.
    Exact when the weights were already rounded to float16 (`half_rounded`)."""
    import numpy as np
    import onnx as onnx_lib
    from onnx import TensorProto, helper, numpy_helper
    model = onnx_lib.load_from_string(onnx)
    graph, inits, casts = model.graph, [], []
    for init in graph.initializer:
        if init.data_type == TensorProto.FLOAT and int(np.prod(init.dims)) >= min_size:
            inits.append(numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float16), init.name + "_fp16"))
            casts.append(helper.make_node("Cast", [init.name + "_fp16"], [init.name], to=TensorProto.FLOAT))
        else:
            inits.append(init)
    nodes = list(graph.node)
    del graph.initializer[:], graph.node[:]
    graph.initializer.extend(inits)
    graph.node.extend(casts + nodes)
    return model.SerializeToString()


def pads_into_convs(onnx: bytes) -> bytes:
    """The same network with every zero Pad whose amounts are constants (they depend on no graph input) and whose
    one reader is a Conv moved into that Conv's own `pads`; what computed the amounts goes with it. The exact same
    numbers come out, and ONNX Runtime keeps the whole network in its blocked memory layout (a Pad between two
    convolutions makes it convert the feature map out of that layout and back: ~10% of a pets photo's time)."""
    from collections import defaultdict

    import numpy as np
    import onnx as onnx_lib
    from onnx import helper, numpy_helper
    from onnx.reference import ReferenceEvaluator
    model = onnx_lib.load_from_string(onnx)
    graph = model.graph
    producers = {o: n for n in graph.node for o in n.output}
    inits = {i.name: i for i in graph.initializer}
    inputs = {i.name for i in graph.input} - set(inits)
    outputs = {o.name for o in graph.output}
    readers = defaultdict(list)
    for n in graph.node:
        for i in n.input:
            readers[i].append(n)

    def constant(name: str):
        "The value of `name` if it depends on no graph input (run by onnx's reference evaluator), else None."
        if name in inits:
            return numpy_helper.to_array(inits[name])
        needed, todo = set(), [name]
        while todo:
            t = todo.pop()
            if t in inits or t == "" or id(producers.get(t)) in needed:
                continue
            if t in inputs or t not in producers:
                return None
            needed.add(id(producers[t]))
            todo.extend(producers[t].input)
        nodes = [n for n in graph.node if id(n) in needed]
        used = {i for n in nodes for i in n.input}
        sub = helper.make_graph(nodes, "constant", [], [helper.make_tensor_value_info(name, 0, None)],
                                [i for i in graph.initializer if i.name in used])
        return ReferenceEvaluator(helper.make_model(sub, opset_imports=model.opset_import)).run(None, {})[0]

    fused = []
    for pad in [n for n in graph.node if n.op_type == "Pad"]:
        mode = next((a.s for a in pad.attribute if a.name == "mode"), b"constant")
        users = readers[pad.output[0]]
        if mode != b"constant" or len(pad.input) < 2 or pad.output[0] in outputs or len(users) != 1 \
                or users[0].op_type != "Conv":
            continue
        conv, amounts = users[0], constant(pad.input[1])
        value = constant(pad.input[2]) if len(pad.input) > 2 and pad.input[2] else np.zeros(1)
        attrs = {a.name: a for a in conv.attribute}
        if (amounts is None or value is None or np.any(value != 0) or amounts.shape != (8,) or np.any(amounts < 0)
                or np.any(amounts[[0, 1, 4, 5]] != 0) or attrs.get("auto_pad", helper.make_attribute("a", "NOTSET")).s
                not in (b"", b"NOTSET")):
            continue  # only 2-d spatial zero padding of a Conv's input
        old = list(attrs["pads"].ints) if "pads" in attrs else [0, 0, 0, 0]
        add = [int(amounts[2]), int(amounts[3]), int(amounts[6]), int(amounts[7])]  # top, left, bottom, right
        if "pads" in attrs:
            conv.attribute.remove(attrs["pads"])
        conv.attribute.append(helper.make_attribute("pads", [a + b for a, b in zip(old, add)]))
        conv.input[0] = pad.input[0]
        fused.append(pad)
    for pad in fused:
        graph.node.remove(pad)
    while fused:  # then whatever only computed their amounts
        used = {i for n in graph.node for i in n.input} | outputs
        dead = [n for n in graph.node if not any(o in used for o in n.output)]
        for n in dead:
            graph.node.remove(n)
        fused = dead
    onnx_lib.checker.check_model(model)
    return model.SerializeToString()


def half_rounded(model):
    "Round every float parameter and buffer of `model` in place to what float16 storage keeps; returns the model."
    import torch
    with torch.no_grad():
        for t in [*model.parameters(), *model.buffers()]:
            if t.is_floating_point():
                t.copy_(t.half().float())
    return model


def float_state(state: dict) -> dict:
    "float16-stored weights back to float32 (the network computes in float32)."
    return {k: v.float() if v.is_floating_point() else v for k, v in state.items()}


def servable(task: str, state: dict, config: dict) -> bytes:
    "model.onnx bytes for `state` + `config` of `task`: build_model, load the weights strictly, to_onnx."
    train = tasks.get(task)
    model = checkpoint.load_weights(train.build_model(config), float_state(state), config)
    return train.to_onnx(model, config)


def export(source) -> Path:
    "Add (or replace) model.onnx in the artifact folder `source`; returns its path."
    config, state, folder = checkpoint.load_torch(source)
    if not Path(source).is_dir():
        raise artifact.ArtifactError(f"{source} is not a local folder: download it first, export, then push")
    return artifact.write_onnx(folder, servable(config["task"], state, config))


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m shared.training.export", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folders", nargs="+", help="artifact folders (config.json + model.safetensors)")
    for folder in p.parse_args(argv).folders:
        path = export(folder)
        print(f"wrote {path} ({path.stat().st_size / 2**20:.1f} MiB)", flush=True)


if __name__ == "__main__":
    main()
