"""The runs whose arithmetic dominates a profile's night or day, and what an epoch of each costs here.

Each is the catalogue's recipe at seed 0, built with random weights (the arithmetic is ImageNet's too) and fed
random images of its size: its steps timed as the suite trains it or as the book's plain model.fit does, its
FLOP counted from the model, its host's time apart from the arithmetic. The preflight and the benchmarks read
them (experiments/harness/preflight.py, benchmarks/peak_share.py).
"""

from __future__ import annotations

import dataclasses
import inspect
import time
from dataclasses import dataclass

import keras
import numpy as np

from experiments.claims import overfitting, transfer, tutorial
from experiments.claims.recipe import TrainSpec
from experiments.run import flops, pretrained
from experiments.run.fitting import (
    COMPILE_OPTIONS,
    FIT_OPTIONS,
    books_fit,
    epoch_batches,
    fit_drawn,
    optimizer_of,
    suite_fit,
)
from experiments.run.profiles import PROFILES
from experiments.run.seeding import seed_everything

TRAIN_IMAGES, VALIDATION_IMAGES = 2_000, 1_000  # the book's small set: per epoch, every run of sections 4-6


@dataclass(frozen=True)
class HeavyRun:
    """A run whose arithmetic dominates a profile's night or day: the catalogue's recipe of it, at seed 0."""

    name: str
    spec: TrainSpec
    module: str  # the check module that trains it: a shard that runs it pays for it

    @property
    def size(self) -> int:
        return self.spec.model_args["size"]

    @property
    def batch_size(self) -> int:
        return self.spec.batch_size

    @property
    def epochs(self) -> int:
        return self.spec.epochs

    def build(self, size: int):
        """The recipe's model at ``size``, with random weights (the arithmetic is the same as ImageNet's)."""
        spec = dataclasses.replace(self.spec, model_args={**self.spec.model_args, "size": size})
        builder = getattr(pretrained, spec.model, None)
        if builder is not None and "pretrained" in inspect.signature(builder).parameters:
            spec = dataclasses.replace(spec, model_args={**spec.model_args, "pretrained": False})
        return spec.build()


def heavy_runs(profile_name: str = "full") -> list[HeavyRun]:
    """The runs whose arithmetic dominates ``profile_name``'s night (the full profile's) or day (the smoke's)."""
    profile = PROFILES[profile_name]
    base = profile.transfer_base
    scratch, section5 = "checks/test_overfitting.py", "checks/test_transfer.py"
    runs = [
        HeavyRun("cats-vs-dogs convnet, plain", overfitting.cats_convnet_spec(profile, seed=0), scratch),
        HeavyRun("cats-vs-dogs convnet, augmented", overfitting.cats_convnet_spec(profile, seed=0, augmented=True),
                 scratch),
        HeavyRun(f"{base} extraction with augmentation", transfer.augmented_extraction_spec(profile, seed=0), section5),
        HeavyRun(f"{base} fine-tuning its top block", transfer.augmented_extraction_spec(profile, seed=0, fine_tune=True),
                 section5),
    ]
    if profile.notes_cnn:
        runs.append(HeavyRun("the study notes' CNN", overfitting.notes_cnn_spec(profile, seed=0), scratch))
    if profile.tutorial_mobilenet_v2:
        tutorial_checks = "checks/test_tutorial.py"
        runs += [HeavyRun("MobileNetV2 (TFT), base frozen", tutorial.tft_spec(profile, seed=0), tutorial_checks),
                 HeavyRun("MobileNetV2 (TFT), fine-tuned from layer 100", tutorial.tft_spec(profile, seed=0, fine_tune=True),
                          tutorial_checks)]
    return runs


def _compiled(run: HeavyRun, size: int, seed: int, book: bool = False):
    """The run's model compiled as the suite compiles it, or (``book``) as the book's plain model.fit does."""
    seed_everything(seed)
    model = run.build(size)
    model.compile(optimizer=optimizer_of(run.spec), loss=run.spec.loss, **({} if book else COMPILE_OPTIONS))
    return model


def _batch(size: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.random((count, size, size, 3), dtype=np.float32), rng.integers(0, 2, count).astype("float32")


def one_step_twice(run: HeavyRun, size: int) -> bool:
    """One training step from the same seed, twice: are the weights equal bit for bit?"""
    x, y = _batch(size, run.batch_size)
    weights = []
    for _ in range(2):
        model = _compiled(run, size, seed=0)
        model.train_on_batch(x, y)
        weights.append(model.get_weights())
    return all(np.array_equal(a, b) for a, b in zip(*weights, strict=True))


def timed_epoch_seconds(run: HeavyRun, size: int, steps: int, book: bool = False) -> float:
    """Seconds for one epoch of the book's set, from ``steps`` timed steps after a warm-up (compiling) one,
    and the validation pass timed the same way; as the suite runs them, or (``book``) as plain model.fit."""
    model = _compiled(run, size, seed=0, book=book)
    x, y = _batch(size, run.batch_size * steps)
    (books_fit if book else suite_fit)(model, x[:run.batch_size], y[:run.batch_size], run.batch_size, epochs=1)
    if book:
        def epoch():
            books_fit(model, x, y, run.batch_size, epochs=1)
    else:  # the suite draws a run's batches once, before its first epoch: a cost of the run, not of each epoch
        batches = epoch_batches(x, y, run.batch_size, shuffle=True)

        def epoch():
            fit_drawn(model, batches, epochs=1)
    started = time.perf_counter()
    epoch()
    per_step = (time.perf_counter() - started) / steps
    started = time.perf_counter()
    model.predict(x, batch_size=32 if book else FIT_OPTIONS["validation_batch_size"], verbose=0)
    per_validated = (time.perf_counter() - started) / len(x)
    return per_step * TRAIN_IMAGES / run.batch_size + per_validated * VALIDATION_IMAGES


def validates_a_whole_batch(run: HeavyRun, size: int) -> None:
    """One validation batch of the suite's size through the model: its activations are what a GPU's memory must
    hold at once, which the timed steps' smaller batches never ask for. Raises ResourceExhaustedError if not."""
    model = _compiled(run, size, seed=0)
    x, _ = _batch(size, min(FIT_OPTIONS["validation_batch_size"], VALIDATION_IMAGES))
    model.predict(x, batch_size=FIT_OPTIONS["validation_batch_size"], verbose=0)


def flops_per_epoch(run: HeavyRun, size: int) -> int:
    """The arithmetic of one epoch of the book's set: its training steps and its validation pass."""
    model = _compiled(run, size, seed=0)
    return flops.training_flops(model) * TRAIN_IMAGES + flops.forward_flops(model) * VALIDATION_IMAGES


def host_seconds_per_epoch(size: int, batch_size: int) -> float:
    """What an epoch costs the host beside the arithmetic, measured on this machine: the suite's fit of the book's
    images at ``size`` and ``batch_size``, with its validation pass, through a model with next to no arithmetic
    (global average pooling → Dense(1)), after a warm-up fit that traces it. Shuffling, batching, the loop, the
    copies and the callbacks cost a GPU's host the same. The epoch is a fit of five epochs less a fit of one,
    over four, each the best of two: what a run pays once (drawing its epochs' batches), a run of the full
    profile's 10 to 100 epochs spreads thin, and it is left out."""
    seed_everything(0)
    model = keras.Sequential([keras.Input((size, size, 3)), keras.layers.GlobalAveragePooling2D(),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.RMSprop(1e-5), loss="binary_crossentropy", **COMPILE_OPTIONS)
    (x, y), validation = _batch(size, TRAIN_IMAGES), _batch(size, VALIDATION_IMAGES)
    suite_fit(model, x, y, batch_size, epochs=1, validation_data=validation)  # tracing, and the first touch of memory

    def best_of_two(epochs: int) -> float:  # as timeit: noise on a shared machine only slows a fit down
        timings = []
        for _ in range(2):
            started = time.perf_counter()
            suite_fit(model, x, y, batch_size, epochs=epochs, validation_data=validation)
            timings.append(time.perf_counter() - started)
        return min(timings)

    return (best_of_two(5) - best_of_two(1)) / 4
