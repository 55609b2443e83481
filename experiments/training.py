"""train(spec) → Run: one seeded, deterministic training run, served from the cache when it can be.

A run's cache key is its behaviour, not its source text: the built model
(canonical configuration and initial variables at the seed, after what it
starts from), the data's fingerprint, the training settings with the compile
and fit options actually passed, a fingerprint of the training loop (a fixed
tiny run through it), the library versions and the device. A refactor that
changes none of these keeps every key; a change of a layer, an initialiser, a
learning rate, a loss, an augmentation or the loop moves the keys it touches.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import keras
import numpy as np
import tensorflow as tf
from keras.src.trainers.data_adapters.array_data_adapter import ArrayDataAdapter

from experiments import data, models
from experiments.cache import RunCache
from experiments.identity import device_kind, digest_arrays, model_identity
from experiments.measurements import measured

CLASSIFICATION_LOSSES = ("binary_crossentropy", "sparse_categorical_crossentropy")

# How the suite runs the steps the book's model.fit runs, faster on a CPU without changing what is
# learned (tests/test_training_runs.py compares the weights): 32 training steps per call into the graph
# instead of one (the per-step Python round trip was a quarter of a small convnet's step), validation
# in batches of 1,024 (no weight depends on the validation pass; its mean loss moves in the seventh
# digit), and each epoch's batches drawn once (suite_fit). benchmarks/throughput.py measures each
# against the book's fit.
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
    """The arrays a run trains and validates on, with their fingerprint.

    The arrays are made read-only, so that the fingerprint, taken once (a run's
    every key asks for it, and photographs take a second to hash), stays theirs.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray

    def __post_init__(self):
        for array in (self.x_train, self.y_train, self.x_val, self.y_val):
            array.flags.writeable = False

    @functools.cached_property
    def fingerprint(self) -> str:
        return data.fingerprint(self.x_train, self.y_train, self.x_val, self.y_val)


@dataclass
class Run:
    spec: TrainSpec
    history: dict[str, list[float]]
    seconds: float  # training time when it was trained (not when it was read back)
    entry: Path  # the cache entry holding its files
    from_cache: bool
    final_weights: str = "final"  # the file its model's final weights come from ("initial": untrained(run))

    @property
    def epochs_run(self) -> int:
        return len(self.history.get("loss", []))

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
        model.load_weights(self.entry / f"{self.final_weights if weights == 'final' else weights}.weights.h5")
        return model

    @property
    def checkpoint(self) -> Path:
        return self.entry / "best-model.keras"


def seconds_per_epoch(runs: list[Run]) -> float:
    """Mean training time of an epoch over ``runs``, as measured when they were trained."""
    return float(np.mean([run.seconds / run.epochs_run for run in runs]))


def untrained(run: Run, arrays: Arrays | None = None, cache: RunCache | None = None) -> Run:
    """``run`` as training received it, for a negative control: its initial weights in the place of its final ones.

    Nothing is trained. With ``arrays``, its history is one row, the untrained
    model evaluated on them (as after an epoch that changed nothing), so that
    the statistics of a training curve apply to it; without, it has none. With
    ``cache``, that evaluation is measured once per run and arrays and kept there.
    """
    before = dataclasses.replace(run, history={}, seconds=0.0, final_weights="initial")
    if arrays is None:
        return before

    def evaluate() -> dict[str, list[float]]:
        model = before.model()
        model.compile(loss=run.spec.loss, metrics=list(run.spec.metrics))
        history: dict[str, list[float]] = {}
        for prefix, x, y in (("", arrays.x_train, arrays.y_train), ("val_", arrays.x_val, arrays.y_val)):
            scores = model.evaluate(x, y, batch_size=FIT_OPTIONS["validation_batch_size"], verbose=0, return_dict=True)
            history |= {prefix + name: [float(value)] for name, value in scores.items()}
        return history

    if cache is None:
        return dataclasses.replace(before, history=evaluate())
    history = measured(cache, "untrained evaluation", evaluate, runs=[before],
                       parameters={"arrays": arrays.fingerprint}, code=[sys.modules[__name__]])
    return dataclasses.replace(before, history=history)


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


def label_error(units: int) -> re.Pattern[str]:
    """TensorFlow's refusal of a label outside a head of ``units`` units, in its two wordings: the default
    kernel's ("Received a label value of 4 …") and that of the deterministic kernel this suite runs with,
    which names the first offending label of the shuffled batch."""
    return re.compile(rf"Received a label value of \d+ which is outside the valid range of \[0, {units}\)"
                      rf"|indices\[\d+\] = \d+ is not in \[0, {units}\)")


def framework_answer(model: keras.Model, x: np.ndarray, labels: np.ndarray) -> tuple[str, str]:
    """What Keras itself does when fit gets labels its head cannot hold, without check_labels in front:
    ("refused", its error) or ("trained", the loss it reported). On a GPU the gather returns 0 for an index
    out of range instead of raising (tf.gather's documentation), so fit trains on a meaningless loss."""
    try:
        history = model.fit(x, labels, epochs=1, verbose=0)
    except tf.errors.InvalidArgumentError as error:
        found = label_error(model.output_shape[-1]).search(str(error))
        return "refused", found.group(0) if found else str(error)[-200:]
    return "trained", f"loss {history.history['loss'][-1]:.4g}"


def _optimizer(spec: TrainSpec) -> keras.optimizers.Optimizer:
    optimizer = keras.optimizers.get(spec.optimizer)
    if spec.learning_rate is not None:
        optimizer.learning_rate = spec.learning_rate
    return optimizer


def _initial_model(spec: TrainSpec, start_weights: Path | None) -> keras.Model:
    """The model as training receives it: seeded, built, and given what it starts from."""
    seed_everything(spec.seed)
    model = spec.build()
    if start_weights is not None and spec.start_from_layers is None:
        model.load_weights(start_weights)
    elif start_weights is not None:  # the lowest layers from the start's model; the rest keep the builder's initialisation
        n = spec.start_from_layers
        if not 0 < n <= len(model.layers):
            raise ValueError(f"start_from_layers={n}, but {spec.model} has {len(model.layers)} layers")
        source = spec.start_from.build()
        source.load_weights(start_weights)
        for layer, taken in zip(model.layers[:n], source.layers[:n], strict=True):
            layer.set_weights(taken.get_weights())
    return model


def _training_settings(spec: TrainSpec) -> dict[str, Any]:
    """Everything compile and fit are given besides the model and the arrays."""
    optimizer = keras.optimizers.serialize(_optimizer(spec))
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
    validation pass); a change of any of them, or of how _fit drives Keras, moves
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
        history, _ = _fit(spec, model, arrays, Path(scratch), say=None)
        checkpoint = keras.models.load_model(Path(scratch) / "best-model.keras")
    return digest_arrays([*model.get_weights(), *checkpoint.get_weights(),
                          *(np.asarray(values) for _, values in sorted(history.items()))])


def versions() -> dict[str, str]:
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
            "model": model_identity(_initial_model(spec, start_weights=None)),
            "start": {"run": start_key, "layers": spec.start_from_layers} if start_key else None,
            "training": _training_settings(spec),
            "data": arrays.fingerprint,
            "loop": loop_fingerprint(),
            "versions": versions(),
            "device": device_kind(),
        }
        _KEYS[memo] = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:32]
    return _KEYS[memo]


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


def epoch_batches(x: np.ndarray, y: np.ndarray, batch_size: int, shuffle: bool) -> tf.data.Dataset:
    """The batches ``model.fit(x, y, batch_size=…, shuffle=…)`` draws in an epoch, as a dataset cheap to iterate again.

    For NumPy arrays, fit makes a new iterator of Keras' input pipeline twice an
    epoch, which costs more than a whole epoch of a small model. With the seeds
    set, that pipeline draws the same order in every epoch (tests/test_training_runs.py
    holds this premise); so one pass through it gives every epoch's batches, with
    its casts, and they are batched again from its rows in its order.
    """
    pipeline = ArrayDataAdapter(x, y, batch_size=batch_size, shuffle=shuffle).get_tf_dataset()
    with tf.device("/CPU:0"):  # input rows stay in host memory, where Keras' pipeline keeps them
        xs, ys = zip(*pipeline)
        rows = (tf.concat(xs, axis=0), tf.concat(ys, axis=0))
    return tf.data.Dataset.from_tensor_slices(rows).batch(batch_size).prefetch(tf.data.AUTOTUNE)


def books_fit(model: keras.Model, x: np.ndarray, y: np.ndarray, batch_size: int, epochs: int,
              validation_data: tuple[np.ndarray, np.ndarray] | None = None, validation_freq: int = 1,
              callbacks: list[keras.callbacks.Callback] | None = None, **options: Any) -> keras.callbacks.History:
    """The books' call, ``model.fit`` on the NumPy arrays (``options``: more of fit's arguments)."""
    return model.fit(x, y, batch_size=batch_size, epochs=epochs, validation_data=validation_data,
                     validation_freq=validation_freq, callbacks=callbacks, verbose=0, **options)


def suite_fit(model: keras.Model, x: np.ndarray, y: np.ndarray, batch_size: int, epochs: int,
              validation_data: tuple[np.ndarray, np.ndarray] | None = None, validation_freq: int = 1,
              callbacks: list[keras.callbacks.Callback] | None = None,
              validation_batch_size: int | None = FIT_OPTIONS["validation_batch_size"]) -> keras.callbacks.History:
    """books_fit as the suite runs it, learning the same weights and history: each epoch's batches drawn once,
    validation in batches of ``validation_batch_size`` (None: of ``batch_size``, as fit's default)."""
    validation = None
    if validation_data is not None:
        validation = epoch_batches(*validation_data, validation_batch_size or batch_size, shuffle=False)
    return fit_drawn(model, epoch_batches(x, y, batch_size, shuffle=True), epochs, validation, validation_freq,
                     callbacks)


def fit_drawn(model: keras.Model, batches: tf.data.Dataset, epochs: int, validation: tf.data.Dataset | None = None,
              validation_freq: int = 1, callbacks: list[keras.callbacks.Callback] | None = None
              ) -> keras.callbacks.History:
    """suite_fit once epoch_batches has drawn the batches: the same ones every epoch, in their order."""
    return model.fit(batches, epochs=epochs, shuffle=False, validation_data=validation,
                     validation_freq=validation_freq, callbacks=callbacks, verbose=0)


def _fit(spec: TrainSpec, model: keras.Model, arrays: Arrays, workdir: Path,
         say: Callable[[str], None] | None) -> tuple[dict[str, list[float]], float]:
    """Compile and fit ``model`` as ``spec`` says; its initial, final and (if asked) best weights go to ``workdir``."""
    if spec.loss in CLASSIFICATION_LOSSES:
        check_labels(model, np.concatenate([arrays.y_train, arrays.y_val]))
    model.save_weights(workdir / "initial.weights.h5")
    model.compile(optimizer=_optimizer(spec), loss=spec.loss, metrics=list(spec.metrics), **COMPILE_OPTIONS)
    callbacks: list[keras.callbacks.Callback] = []
    if say is not None:  # reports only: it changes nothing that is learned
        callbacks.append(EpochProgress(f"{spec.model} on {spec.data}, seed {spec.seed}", spec.epochs, say))
    if spec.checkpoint:
        callbacks.append(keras.callbacks.ModelCheckpoint(str(workdir / "best-model.keras"), save_best_only=True))
    if spec.early_stopping_patience is not None:
        callbacks.append(keras.callbacks.EarlyStopping(patience=spec.early_stopping_patience, restore_best_weights=True))
    started = time.monotonic()
    history = suite_fit(model, arrays.x_train, arrays.y_train, batch_size=spec.batch_size, epochs=spec.epochs,
                        validation_data=(arrays.x_val, arrays.y_val), validation_freq=spec.validation_freq,
                        callbacks=callbacks)
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
            model = _initial_model(spec, start.entry / "final.weights.h5" if start is not None else None)
            history, seconds = _fit(spec, model, arrays, workdir, say)
            (workdir / "run.json").write_text(json.dumps({"spec": dataclasses.asdict(spec), "history": history, "seconds": seconds}))
            entry = cache.put(key, {p.name: p for p in workdir.iterdir()})
        return Run(spec, history, seconds, entry, from_cache=False)
