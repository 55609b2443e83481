"""Reading a built model the way `model.summary()` prints it, and comparing with the book's summary."""

from __future__ import annotations

from typing import Sequence

import keras

from experiments.claims import Row


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


def parameter_split(model: keras.Model) -> tuple[int, int]:
    """(trainable, non-trainable) parameter counts, as the summary's last lines print them."""
    def size(weights) -> int:
        return sum(int(keras.ops.size(w)) for w in weights)

    return size(model.trainable_weights), size(model.non_trainable_weights)
