"""How a run is fitted: the model as training receives it, compile and fit as the book's model.fit, made faster.

The suite runs the steps the book's model.fit runs, faster on a CPU without
changing what is learned (tests/test_training_runs.py compares the weights):
32 training steps per call into the graph instead of one (the per-step Python
round trip was a quarter of a small convnet's step), validation in batches of
1,024 (no weight depends on the validation pass; its mean loss moves in the
seventh digit), and each epoch's batches drawn once (suite_fit).
benchmarks/throughput.py measures each against the book's fit.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

import keras
import numpy as np
import tensorflow as tf
from keras.src.trainers.data_adapters.array_data_adapter import ArrayDataAdapter

from experiments.claims.recipe import TrainSpec
from experiments.data.arrays import Arrays
from experiments.run.labels import check_labels
from experiments.run.seeding import seed_everything

CLASSIFICATION_LOSSES = ("binary_crossentropy", "sparse_categorical_crossentropy")
COMPILE_OPTIONS = {"steps_per_execution": 32}
FIT_OPTIONS = {"validation_batch_size": 1024}


def optimizer_of(spec: TrainSpec) -> keras.optimizers.Optimizer:
    optimizer = keras.optimizers.get(spec.optimizer)
    if spec.learning_rate is not None:
        optimizer.learning_rate = spec.learning_rate
    return optimizer


def initial_model(spec: TrainSpec, start_weights: Path | None) -> keras.Model:
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


def fit(spec: TrainSpec, model: keras.Model, arrays: Arrays, workdir: Path,
         say: Callable[[str], None] | None) -> tuple[dict[str, list[float]], float]:
    """Compile and fit ``model`` as ``spec`` says; its initial, final and (if asked) best weights go to ``workdir``."""
    if spec.loss in CLASSIFICATION_LOSSES:
        check_labels(model, np.concatenate([arrays.y_train, arrays.y_val]))
    model.save_weights(workdir / "initial.weights.h5")
    model.compile(optimizer=optimizer_of(spec), loss=spec.loss, metrics=list(spec.metrics), **COMPILE_OPTIONS)
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
