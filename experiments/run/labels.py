"""Labels against the classifier's head: the suite's refusal before training, and what Keras itself does."""

from __future__ import annotations

import re

import keras
import numpy as np
import tensorflow as tf


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


GPU_LOSS = re.compile(r"loss (nan|inf|-?\d[\d.e+-]*)")  # what fit reports on a GPU: a number, NaN where the rows are


def answers_as_documented(device: str, outcome: str, detail: str, units: int) -> bool:
    """Whether Keras' answer to labels beyond a head of ``units`` units is what TensorFlow documents for the
    device: on the CPU the sparse cross-entropy refuses them; on a GPU it raises nothing and fit trains,
    reporting a loss (NaN for the rows whose labels it cannot hold, tf.nn.sparse_softmax_cross_entropy_with_logits)."""
    if device == "CPU":
        return outcome == "refused" and bool(label_error(units).fullmatch(detail))
    return outcome == "trained" and bool(GPU_LOSS.fullmatch(detail))


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
