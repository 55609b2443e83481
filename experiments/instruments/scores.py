"""What trained models score on held-out images: measured once per run and images, and kept in the run cache."""

from __future__ import annotations

import functools
import sys

import keras
import numpy as np

from experiments.run.measurements import measured


def _kept(run_cache, name: str, compute, run, arrays) -> object:
    return measured(run_cache, name, compute, runs=[run], arrays=arrays, code=[sys.modules[__name__]])


def binary_accuracy(run, x: np.ndarray, y: np.ndarray, run_cache) -> float:
    """The share of the images a sigmoid head classifies right (above 0.5: class 1)."""
    def compute() -> float:
        return float(np.mean((run.model().predict(x, batch_size=100, verbose=0)[:, 0] > 0.5) == y))

    return _kept(run_cache, "accuracy", compute, run, [x, y])


def _evaluated(run, pairs: list[tuple[np.ndarray, np.ndarray]]) -> list[float]:
    model = run.model()
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return [model.evaluate(x, y, batch_size=1024, verbose=0)[1] for x, y in pairs]


def softmax_accuracies(run, pairs: list[tuple[np.ndarray, np.ndarray]], run_cache) -> list[float]:
    """The final model's accuracy on each (images, labels) pair, evaluated 1,024 images at a time, as training
    validates (an image's prediction does not depend on the batch it is in)."""
    return _kept(run_cache, "validation and test accuracy", functools.partial(_evaluated, run, pairs), run,
                 [array for pair in pairs for array in pair])


def _restored_and_reloaded(run, x: np.ndarray, y: np.ndarray) -> list[list[float]]:
    restored = run.model()
    restored.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    reloaded = keras.models.load_model(run.checkpoint, safe_mode=True)
    return [m.evaluate(x, y, verbose=0) for m in (restored, reloaded)]


def checkpoint_scores(run, x: np.ndarray, y: np.ndarray, run_cache) -> list[list[float]]:
    """[loss, accuracy] on (x, y) of the run's restored model, and of its checkpoint reloaded."""
    return _kept(run_cache, "validation scores, restored and checkpoint",
                 functools.partial(_restored_and_reloaded, run, x, y), run, [x, y])
