"""train(spec) → Run: one seeded, deterministic training run, served from the cache when it can be.

A run's cache key covers everything that could change what it learns: the
spec (model and its arguments, data, optimiser, epochs, batch size, seed,
callbacks), the source of the modules that build and train it, the data's
fingerprint, and the TensorFlow/Keras/NumPy versions.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import keras
import numpy as np
import tensorflow as tf

from experiments import data, models
from experiments.cache import RunCache

# The modules whose code decides what a run learns; editing one invalidates its runs. (data.py's code
# shapes only the arrays, and those enter the key through their fingerprint.)
_CODE = (Path(models.__file__), Path(__file__))
CLASSIFICATION_LOSSES = ("binary_crossentropy", "sparse_categorical_crossentropy")

# How the suite runs the steps the book's model.fit runs, faster on a CPU without changing what is
# learned (tests/test_training_runs.py compares the weights): 32 training steps per call into the graph
# instead of one (the per-step Python round trip was a quarter of a small convnet's step), and
# validation in batches of 1,024 (no weight depends on the validation pass; its mean loss moves in
# the seventh digit). benchmarks/throughput.py measures both against the book's fit.
COMPILE_OPTIONS = {"steps_per_execution": 32}
FIT_OPTIONS = {"validation_batch_size": 1024}


@dataclass(frozen=True)
class TrainSpec:
    model: str  # a builder of experiments.models
    data: str  # the name of the data the run is given, e.g. "fashion_mnist/book_split"
    loss: str
    epochs: int
    batch_size: int
    seed: int
    model_args: dict[str, Any] = field(default_factory=dict)
    optimizer: str = "adam"
    learning_rate: float | None = None  # None: the optimiser's default, as the books leave it
    metrics: tuple[str, ...] = ("accuracy",)
    early_stopping_patience: int | None = None  # with restore_best_weights=True, as HG 8-2
    checkpoint: bool = False  # ModelCheckpoint(save_best_only=True) of the best model
    start_from: TrainSpec | None = None  # a run whose final weights this one starts from (fine-tuning)
    start_from_layers: int | None = None  # with start_from: take only its first n layers' weights (transfer)
    validation_freq: int = 1  # validate after every n-th epoch only (Keras' validation_freq)

    def build(self) -> keras.Model:
        return getattr(models, self.model)(**self.model_args)


@dataclass(frozen=True)
class Arrays:
    """The arrays a run trains and validates on, with their fingerprint."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray

    @property
    def fingerprint(self) -> str:
        return data.fingerprint(self.x_train, self.y_train, self.x_val, self.y_val)


@dataclass
class Run:
    spec: TrainSpec
    history: dict[str, list[float]]
    seconds: float  # training time when it was trained (not when it was read back)
    entry: Path  # the cache entry holding its files
    from_cache: bool

    @property
    def epochs_run(self) -> int:
        return len(self.history["loss"])

    @property
    def best_epoch(self) -> int:
        """1-based epoch of the lowest validation loss: the weights EarlyStopping restores."""
        if self.spec.validation_freq != 1:
            raise ValueError(f"{self.spec.model} on {self.spec.data} was validated every "
                             f"{self.spec.validation_freq} epochs: its validation curve has no epoch-by-epoch minimum")
        return int(np.argmin(self.history["val_loss"])) + 1

    def model(self, weights: str = "final") -> keras.Model:
        """The model with its 'final' (restored best) or 'initial' (untrained) weights."""
        model = self.spec.build()
        model.load_weights(self.entry / f"{weights}.weights.h5")
        return model

    @property
    def checkpoint(self) -> Path:
        return self.entry / "best-model.keras"


class LabelRangeError(ValueError):
    """The labels do not fit the classifier's head; raised before any training."""


def check_labels(model: keras.Model, labels: np.ndarray) -> None:
    """Refuse labels the head cannot represent, in one line, instead of the framework's stack trace.

    A softmax head of n units takes labels 0..n−1; a single sigmoid unit takes 0 and 1.
    """
    units = model.output_shape[-1]
    low, high = int(np.min(labels)), int(np.max(labels))
    allowed = 1 if units == 1 else units - 1
    if low < 0 or high > allowed:
        fix = f"Dense({high + 1}) with softmax" if units == 1 else f"Dense({high + 1})"
        raise LabelRangeError(
            f"labels run {low}..{high} but the model's head has {units} unit{'s' if units != 1 else ''}; use {fix}"
        )


def code_hash() -> str:
    digest = hashlib.sha256()
    for path in _CODE:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(spec: TrainSpec, arrays: Arrays, start_arrays: Arrays | None = None) -> str:
    """The run's identity; ``start_arrays``: the data its ``start_from`` run trained on, when not ``arrays``."""
    identity = {
        "start_data": (start_arrays if start_arrays is not None else arrays).fingerprint if spec.start_from else None,
        "spec": dataclasses.asdict(spec),
        "code": code_hash(),
        "data": arrays.fingerprint,
        "versions": {"tensorflow": tf.__version__, "keras": keras.__version__, "numpy": np.__version__},
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:32]


def seed_everything(seed: int) -> None:
    """Python, NumPy and TensorFlow seeded, TensorFlow's ops deterministic: same seed, same run.

    TensorFloat-32 is turned off so that GPUs compute convolutions and matrix
    products in full fp32, as the CPU does and as the books' numbers were made.
    """
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    tf.config.experimental.enable_tensor_float_32_execution(False)


class EpochProgress(keras.callbacks.Callback):
    """Tells ``say`` how a run is going: at its start, at most every ``interval`` seconds, at its end."""

    def __init__(self, label: str, epochs: int, say: Callable[[str], None], interval: float = 30.0):
        super().__init__()
        self.label, self.epochs, self.say, self.interval = label, epochs, say, interval

    def on_train_begin(self, logs=None):
        self.started = self.last = time.monotonic()
        self.say(f"{self.label}: training, up to {self.epochs} epochs")

    def on_epoch_end(self, epoch, logs=None):
        now = time.monotonic()
        if now - self.last >= self.interval:
            self.last = now
            self.say(f"{self.label}: epoch {epoch + 1}/{self.epochs}, {now - self.started:.0f} s, "
                     f"val_loss {logs.get('val_loss', float('nan')):.4f}")

    def on_train_end(self, logs=None):
        self.say(f"{self.label}: done in {time.monotonic() - self.started:.0f} s")


def _fit(spec: TrainSpec, arrays: Arrays, workdir: Path, say: Callable[[str], None] | None,
         start: Run | None) -> tuple[dict[str, list[float]], float]:
    seed_everything(spec.seed)
    model = spec.build()
    if spec.loss in CLASSIFICATION_LOSSES:
        check_labels(model, np.concatenate([arrays.y_train, arrays.y_val]))
    if start is not None and spec.start_from_layers is None:
        model.load_weights(start.entry / "final.weights.h5")
    elif start is not None:  # the lowest layers from the start's model; the rest keep the builder's initialisation
        n = spec.start_from_layers
        if not 0 < n <= len(model.layers):
            raise ValueError(f"start_from_layers={n}, but {spec.model} has {len(model.layers)} layers")
        for layer, source in zip(model.layers[:n], start.model().layers[:n], strict=True):
            layer.set_weights(source.get_weights())
    model.save_weights(workdir / "initial.weights.h5")
    optimizer = keras.optimizers.get(spec.optimizer)
    if spec.learning_rate is not None:
        optimizer.learning_rate = spec.learning_rate
    model.compile(optimizer=optimizer, loss=spec.loss, metrics=list(spec.metrics), **COMPILE_OPTIONS)
    callbacks: list[keras.callbacks.Callback] = []
    if say is not None:  # reports only: it changes nothing that is learned
        callbacks.append(EpochProgress(f"{spec.model} on {spec.data}, seed {spec.seed}", spec.epochs, say))
    if spec.checkpoint:
        callbacks.append(keras.callbacks.ModelCheckpoint(str(workdir / "best-model.keras"), save_best_only=True))
    if spec.early_stopping_patience is not None:
        callbacks.append(keras.callbacks.EarlyStopping(patience=spec.early_stopping_patience, restore_best_weights=True))
    started = time.monotonic()
    history = model.fit(
        arrays.x_train, arrays.y_train, batch_size=spec.batch_size, epochs=spec.epochs,
        validation_data=(arrays.x_val, arrays.y_val), validation_freq=spec.validation_freq, callbacks=callbacks,
        verbose=0, **FIT_OPTIONS,
    )
    seconds = time.monotonic() - started
    model.save_weights(workdir / "final.weights.h5")
    return {k: [float(v) for v in values] for k, values in history.history.items()}, seconds


def train(spec: TrainSpec, arrays: Arrays, cache: RunCache, say: Callable[[str], None] | None = None,
          start_arrays: Arrays | None = None) -> Run:
    """The run of ``spec`` on ``arrays``: read from the cache, or trained and stored there.

    ``say``, when given, receives a few progress lines while a run trains. A
    spec with ``start_from`` first gets that run (trained if need be) and starts
    from its final weights; that run trains on ``start_arrays`` (another task's
    data, for transfer) or else on ``arrays`` (fine-tuning).
    """
    start = None
    if spec.start_from is not None:
        start = train(spec.start_from, start_arrays if start_arrays is not None else arrays, cache, say)
    key = cache_key(spec, arrays, start_arrays)
    with cache.lock(key):
        entry = cache.get(key)
        if entry is not None:
            meta = json.loads((entry / "run.json").read_text())
            return Run(spec, meta["history"], meta["seconds"], entry, from_cache=True)
        with tempfile.TemporaryDirectory() as scratch:
            workdir = Path(scratch)
            history, seconds = _fit(spec, arrays, workdir, say, start)
            (workdir / "run.json").write_text(json.dumps({"spec": dataclasses.asdict(spec), "history": history, "seconds": seconds}))
            entry = cache.put(key, {p.name: p for p in workdir.iterdir()})
        return Run(spec, history, seconds, entry, from_cache=False)
