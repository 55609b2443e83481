"""What a run is, as behaviour: the parts of its cache key that are read off built objects, not source text.

A model is identified by its Keras configuration with the layers' names
replaced by their order of first appearance (Keras numbers automatic names by
how many layers the process has made, so "conv2d_7" in one process is
"conv2d" in another) and by the digest of its initial variables, the random
generators' states included. Renaming a builder, moving it, rewording its
comments or reordering the code that makes it changes neither; a different
layer, unit count, activation, initialiser, augmentation or weights file
changes one or both.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import keras
import numpy as np

from experiments.devices import gpu_names

# Objects in a Keras configuration that carry a "name" but are not layers.
_NOT_LAYERS = {"DTypePolicy"}


def _layer_names(node: Any, found: dict[str, str]) -> None:
    """Every layer's name in ``node`` (a parsed configuration), mapped to "layer<i>" in order of appearance."""
    if isinstance(node, dict):
        config = node.get("config")
        if "class_name" in node and isinstance(config, dict) and isinstance(config.get("name"), str) \
                and node["class_name"] not in _NOT_LAYERS:
            found.setdefault(config["name"], f"layer{len(found)}")
        for value in node.values():
            _layer_names(value, found)
    elif isinstance(node, list):
        for value in node:
            _layer_names(value, found)


def _renamed(node: Any, names: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {key: _renamed(value, names) for key, value in node.items()}
    if isinstance(node, list):
        return [_renamed(value, names) for value in node]
    if isinstance(node, str):
        return names.get(node, node)
    return node


def canonical_config(model: keras.Model) -> Any:
    """The model's configuration (layers, their settings, trainable flags, wiring) with names made canonical."""
    config = json.loads(model.to_json())
    names: dict[str, str] = {}
    _layer_names(config, names)
    return _renamed(config, names)


def digest_arrays(arrays: list[np.ndarray]) -> str:
    """SHA-256 over the arrays' dtypes, shapes and bytes, in order."""
    digest = hashlib.sha256()
    for array in arrays:
        array = np.ascontiguousarray(array)
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(memoryview(array))  # its bytes, not a copy of them
    return digest.hexdigest()


def model_identity(model: keras.Model) -> dict[str, str]:
    """The built model as what it computes and where it starts: its canonical configuration and initial variables.

    ``model.variables`` rather than ``model.weights``: the dropout and
    augmentation layers' seed-generator states are variables too, and they
    decide which masks and transforms training draws.
    """
    config = json.dumps(canonical_config(model), sort_keys=True).encode()
    return {
        "config": hashlib.sha256(config).hexdigest(),
        "initial": digest_arrays([np.asarray(variable) for variable in model.variables]),
    }


def device_kind() -> str:
    """"CPU", or the GPUs this process uses by model name: runs on different devices are different runs."""
    names = gpu_names()
    return "GPU: " + ", ".join(names) if names else "CPU"
