"""What a filter responds to, by gradient ascent on the input (DLwP1 5.4.2), and how complex that is.

The book's recipe: start from a grey image with a little noise, and 40 times
move the image by one step along the gradient of the filter's mean
activation, the gradient divided by its root mean square. The book's images
run 0–255 and its step is 1; the models here read [0, 1], so the step is 1/255
and the start is 0.5 ± 10/255, the same moves relative to the input's range.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

STEPS = 40
STEP = 1 / 255


def starting_images(count: int, size: int, seed: int, value_range: float = 1.0) -> np.ndarray:
    """DLwP1 5.4.2's start, np.random.random(...) * 20 + 128 on 0–255, for pixels on [0, value_range]."""
    return ((np.random.default_rng(seed).random((count, size, size, 3)) * 20 + 128) / 255 * value_range).astype("float32")


def filter_responses(model: keras.Model, layer: str, images: np.ndarray) -> np.ndarray:
    """(n, filters): each filter's mean activation over the positions of ``layer``'s map, per image."""
    probe = keras.Model(model.inputs[0], model.get_layer(layer).output)
    return keras.ops.convert_to_numpy(keras.ops.mean(probe(images), axis=(1, 2)))


def ascend(model: keras.Model, layer: str, start: np.ndarray, value_range: float = 1.0) -> np.ndarray:
    """Image b of ``start`` ascended for filter b of ``layer`` (every filter at once, one per image).

    Pixels run on [0, value_range]: the step is value_range / 255, the book's 1 on 0–255.
    """
    probe = keras.Model(model.inputs[0], model.get_layer(layer).output)
    filters = start.shape[0]
    pick = tf.one_hot(tf.range(filters), probe.output.shape[-1])  # (b, channels): filter b for image b
    images = tf.Variable(start)
    for _ in range(STEPS):
        with tf.GradientTape() as tape:
            maps = probe(images, training=False)  # (b, h, w, channels)
            objective = tf.reduce_sum(tf.reduce_mean(maps, axis=(1, 2)) * pick)  # Σ_b mean activation of filter b
        gradients = tape.gradient(objective, images)
        rms = tf.sqrt(tf.reduce_mean(tf.square(gradients), axis=(1, 2, 3), keepdims=True)) + 1e-5
        images.assign_add(STEP * value_range * gradients / rms)
    return images.numpy()


def spectral_entropy(patterns: np.ndarray) -> np.ndarray:
    """(n, h, w, 3) → per pattern, the entropy of its power spectrum (colour channels summed), over log(h·w).

    0 for a single frequency (a uniform colour is all at frequency 0); 1 for
    power spread evenly over every frequency, as in white noise.
    """
    power = np.sum(np.abs(np.fft.fft2(patterns, axes=(1, 2))) ** 2, axis=-1).reshape(len(patterns), -1)
    share = power / np.maximum(power.sum(axis=1, keepdims=True), 1e-30)
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.sum(np.where(share > 0, share * np.log(share), 0.0), axis=1)
    return entropy / np.log(power.shape[1])


def pattern_entropy(start: np.ndarray, ascended: np.ndarray) -> np.ndarray:
    """The spectral entropy of what the ascent added, for each filter it moved (fewer than len(start) when some
    filter was silent on its start: the ascent adds nothing to it, and that nothing is not a uniform colour's
    pattern of entropy 0)."""
    moved = np.any(ascended != start, axis=(1, 2, 3))
    return spectral_entropy(ascended[moved] - start[moved])
