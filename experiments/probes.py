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
