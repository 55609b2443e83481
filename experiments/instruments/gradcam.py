"""Grad-CAM as DLwP1 5.4.3 computes it, and how much of its heatmap falls inside a box.

The book's recipe: the gradient of the class's output with respect to the last
conv layer's map, averaged over the map's positions to give one weight per
channel; the map's channels weighted by it and averaged; negative values cut.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf


def gradcam(model: keras.Model, layer: str, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Heatmaps (n, h, w) ≥ 0 at the resolution of ``layer``, for each image's predicted class; and those classes."""
    probe = keras.Model(model.inputs[0], [model.get_layer(layer).output, model.outputs[0]])
    images = tf.convert_to_tensor(images)
    with tf.GradientTape() as tape:
        maps, scores = probe(images, training=False)  # (n, h, w, c), (n, classes)
        predicted = tf.argmax(scores, axis=1)
        class_score = tf.gather(scores, predicted, axis=1, batch_dims=1)  # (n,)
    gradients = tape.gradient(class_score, maps)  # (n, h, w, c)
    channel_weights = tf.reduce_mean(gradients, axis=(1, 2), keepdims=True)  # (n, 1, 1, c)
    heatmaps = tf.nn.relu(tf.reduce_mean(maps * channel_weights, axis=-1))  # (n, h, w)
    return heatmaps.numpy(), predicted.numpy()


def share_inside(heatmaps: np.ndarray, boxes: np.ndarray, size: int) -> np.ndarray:
    """Per image, the share of its heatmap's mass inside its box, once upsampled (bilinear) to the canvas.

    An all-zero heatmap points nowhere: it counts as spread evenly over the canvas.
    """
    upsampled = tf.image.resize(heatmaps[..., None], (size, size), method="bilinear").numpy()[..., 0]
    upsampled = np.maximum(upsampled, 0)
    totals = upsampled.sum(axis=(1, 2))
    upsampled[totals == 0] = 1.0
    rows, columns = np.arange(size)[None, :, None], np.arange(size)[None, None, :]
    top, left, bottom, right = (boxes[:, i, None, None] for i in range(4))
    inside = (rows >= top) & (rows < bottom) & (columns >= left) & (columns < right)
    return (upsampled * inside).sum(axis=(1, 2)) / upsampled.sum(axis=(1, 2))
