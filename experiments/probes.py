"""Measurements on trained models: what their intermediate layers do with an input."""

from __future__ import annotations

import keras
import numpy as np


def conv_activations(model: keras.Model, images: np.ndarray, batch_size: int = 50) -> list[np.ndarray]:
    """The output of every Conv2D layer (after its activation) for ``images``: one (n, h, w, c) array each.

    Built with the functional API, as the chapters build their activation
    models; a model read back from weights offers ``model.inputs`` only.
    """
    outputs = [layer.output for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    activations = keras.Model(model.inputs, outputs).predict(images, batch_size=batch_size, verbose=0)
    return [np.asarray(a) for a in activations]


def blank_channel_fraction(maps: np.ndarray) -> float:
    """Share of (image, channel) pairs whose whole map is zero: the blank squares of the book's grids."""
    return float(np.mean(np.all(maps == 0, axis=(1, 2))))


def zero_fraction(maps: np.ndarray) -> float:
    """Share of activations that are exactly zero."""
    return float(np.mean(maps == 0))


def roughness(kernels: np.ndarray) -> np.ndarray:
    """(..., k, k) kernels → summed squared differences of horizontally and vertically neighbouring weights."""
    return (np.sum(np.diff(kernels, axis=-1) ** 2, axis=(-2, -1))
            + np.sum(np.diff(kernels, axis=-2) ** 2, axis=(-2, -1)))


def arranged(kernels: np.ndarray, shuffles: int = 2000, seed: int = 0, tail: float = 0.05) -> np.ndarray:
    """(n, k, k) → for each kernel, whether its roughness lies outside the central 1 − 2·tail of its shuffles'.

    Shuffling a kernel's own weights keeps their values and destroys their
    arrangement: a kernel of independent random weights is "arranged" with
    probability 2·tail, a smooth edge or blob (or a checkerboard) far more often.
    """
    rng = np.random.default_rng(seed)
    n, k, _ = kernels.shape
    flat = kernels.reshape(n, k * k)
    shuffled = rng.permuted(np.repeat(flat[:, None, :], shuffles, axis=1), axis=2).reshape(n, shuffles, k, k)
    null = roughness(shuffled)  # (n, shuffles)
    low, high = np.quantile(null, [tail, 1 - tail], axis=1)
    observed = roughness(kernels)
    return (observed < low) | (observed > high)
