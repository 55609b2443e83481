"""Reading a built model the way `model.summary()` prints it, and comparing with the book's summary."""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import keras
import numpy as np

from experiments.claims import Row, claim
from experiments.run import models, pretrained

# Claims whose book numbers include a whole summary table, and the model each describes.
BOOK_SUMMARIES: Mapping[str, Callable[[], keras.Model]] = {
    "arch.hg.fashion_cnn": models.fashion_cnn,
    "arch.dlwp1.mnist_convnet": models.mnist_convnet,
    "arch.dlwp1.no_max_pool": lambda: models.mnist_convnet("none", classifier=False),
    "arch.dlwp1.cats_dogs_convnet": models.cats_dogs_convnet,
    "arch.tfds.cnn160": models.tfds_cnn,
    "arch.dlwp1.vgg16_base": pretrained.vgg16_base,
    "arch.dlwp1.vgg16_head": lambda: pretrained.vgg16_classifier(pretrained.vgg16_base()),
}


def summary_rows(model: keras.Model) -> list[Row]:
    """(layer class, output shape without the batch axis, parameters) for each layer after the input."""
    return [
        (type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params())
        for layer in model.layers
        if not isinstance(layer, keras.layers.InputLayer)
    ]


def summary_mismatches(measured: Sequence[Row], book: Sequence[Row]) -> list[str]:
    """Every difference between two summaries, one line each, naming the layer and both values."""
    problems = []
    if len(measured) != len(book):
        problems.append(f"{len(measured)} layers measured, the book prints {len(book)}")
    for index, (got, want) in enumerate(zip(measured, book), start=1):
        for field, g, w in zip(("class", "output shape", "parameters"), got, want):
            if g != w:
                problems.append(f"layer {index} ({want[0]}): {field} measured {g}, book {w}")
    return problems


def differences_from_book(claim_id: str, model: keras.Model) -> list[str]:
    """Each way ``model`` departs from the summary the book prints for ``claim_id``, one line each."""
    book = claim(claim_id).numbers
    problems = summary_mismatches(summary_rows(model), book["rows"])
    if model.count_params() != book["total"]:
        problems.append(f"total parameters measured {model.count_params():,}, book {book['total']:,}")
    return [f"{claim_id}: {model.name}: {problem}" for problem in problems]


def parameter_split(model: keras.Model) -> tuple[int, int]:
    """(trainable, non-trainable) parameter counts, as the summary's last lines print them."""
    def size(weights) -> int:
        return sum(int(keras.ops.size(w)) for w in weights)

    return size(model.trainable_weights), size(model.non_trainable_weights)


def changed_tensors(before: Sequence[np.ndarray], after: Sequence[np.ndarray]) -> list[int]:
    """Indices of the weight tensors that differ in any bit between two snapshots."""
    return [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a.tobytes() != b.tobytes()]
