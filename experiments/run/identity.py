"""What a run is, as behaviour: its cache key, read off built objects and a run through the loop, not source text.

A run's cache key is its behaviour: the built model (canonical configuration
and initial variables at the seed, after what it starts from), the data's
fingerprint, the training settings with the compile and fit options actually
passed, a fingerprint of the training loop (a fixed tiny run through it), the
library versions, the device, and the intra-op threads its arithmetic is split
across (experiments/run/threads.py). A refactor that changes none of these keeps
every key; a change of a layer, an initialiser, a learning rate, a loss, an
augmentation or the loop moves the keys it touches.

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

import dataclasses
import functools
import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from experiments.claims.recipe import TrainSpec
from experiments.data.arrays import Arrays
from experiments.run.devices import gpu_names
from experiments.run.fitting import (
    COMPILE_OPTIONS,
    FIT_OPTIONS,
    fit,
    initial_model,
    optimizer_of,
)
from experiments.run.seeding import seed_everything
from experiments.run.threads import intra_op_threads

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


def training_settings(spec: TrainSpec) -> dict[str, Any]:
    """Everything compile and fit are given besides the model and the arrays."""
    optimizer = keras.optimizers.serialize(optimizer_of(spec))
    del optimizer["config"]["name"]  # "adam", "adam_1", …: numbered by how many the process has made
    return {
        "optimizer": optimizer, "loss": spec.loss, "metrics": list(spec.metrics),
        "epochs": spec.epochs, "batch_size": spec.batch_size, "seed": spec.seed,
        "early_stopping_patience": spec.early_stopping_patience, "checkpoint": spec.checkpoint,
        "validation_freq": spec.validation_freq, "compile": COMPILE_OPTIONS, "fit": FIT_OPTIONS,
    }


@functools.cache
def loop_fingerprint() -> str:
    """What the training loop does, as the weights and history of one fixed tiny run through it.

    The run has every part the suite's runs use (dropout, a learning rate, early
    stopping with restored weights, a checkpoint, steps grouped per call, a
    validation pass); a change of any of them, or of how fitting.fit drives Keras, moves
    the digest and so every key. Exact bytes: a machine whose arithmetic differs
    in the last bit is a different machine, and trains its own runs.
    """
    rng = np.random.default_rng(0)
    x = rng.random((48, 6, 6, 1), dtype=np.float32)
    y = rng.integers(0, 2, 48).astype("uint8")
    arrays = Arrays(x[:40], y[:40], x[40:], y[40:])
    spec = TrainSpec(model="(loop fingerprint)", data="(loop fingerprint)", loss="binary_crossentropy", epochs=3,
                     batch_size=4, seed=0, optimizer="rmsprop", learning_rate=1e-2, early_stopping_patience=1,
                     checkpoint=True)
    seed_everything(spec.seed)
    model = keras.Sequential([
        keras.Input((6, 6, 1)),
        keras.layers.Conv2D(2, 3, activation="relu"),  # (4, 4, 2)
        keras.layers.Flatten(),  # (32,)
        keras.layers.Dropout(0.5),
        keras.layers.Dense(1, activation="sigmoid"),  # (1,)
    ])
    with tempfile.TemporaryDirectory() as scratch:
        history, _ = fit(spec, model, arrays, Path(scratch), say=None)
        checkpoint = keras.models.load_model(Path(scratch) / "best-model.keras")
    return digest_arrays([*model.get_weights(), *checkpoint.get_weights(),
                          *(np.asarray(values) for _, values in sorted(history.items()))])


def library_versions() -> dict[str, str]:
    """The libraries whose arithmetic a run's weights depend on."""
    return {"tensorflow": tf.__version__, "keras": keras.__version__, "numpy": np.__version__}


_KEYS: dict[tuple[str, str, str | None], str] = {}  # one build per run and process: chains ask for their base often


def cache_key(spec: TrainSpec, arrays: Arrays, start_arrays: Arrays | None = None) -> str:
    """The run's identity; ``start_arrays``: the data its ``start_from`` run trained on, when not ``arrays``.

    A run that starts from another is identified by that run's key, which the
    start's final weights are a function of, and by how many layers it takes.
    """
    start_key = None
    if spec.start_from is not None:
        start_key = cache_key(spec.start_from, start_arrays if start_arrays is not None else arrays)
    memo = (json.dumps(dataclasses.asdict(spec), sort_keys=True), arrays.fingerprint, start_key)
    if memo not in _KEYS:
        identity = {
            "model": model_identity(initial_model(spec, start_weights=None)),
            "start": {"run": start_key, "layers": spec.start_from_layers} if start_key else None,
            "training": training_settings(spec),
            "data": arrays.fingerprint,
            "loop": loop_fingerprint(),
            "versions": library_versions(),
            "device": device_kind(),
            "threads": intra_op_threads(),
        }
        _KEYS[memo] = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:32]
    return _KEYS[memo]
