"""Reading a built model the way `model.summary()` prints it, and comparing with the book's summary.

MEASURES holds, per claim of section 1, every quantity its checks compare with
the book, measured with whichever Keras `import keras` gives: Keras 3 in the
suite, Keras 2 (tf-keras) where experiments/instruments/generations.py runs it
under that name, so that the two generations are measured by one code.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping, Sequence

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
        return sum(math.prod(w.shape) for w in weights)

    return size(model.trainable_weights), size(model.non_trainable_weights)


def changed_tensors(before: Sequence[np.ndarray], after: Sequence[np.ndarray]) -> list[int]:
    """Indices of the weight tensors that differ in any bit between two snapshots."""
    return [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a.tobytes() != b.tobytes()]


def summary_quantities(model: keras.Model, book_rows: Sequence[Row] = ()) -> dict[str, Any]:
    """Each row of the summary as the check records it (a layer's output shape and parameters), then the total.
    A row is named by its measured layer class, or by the book's where the model has no such row."""
    rows = summary_rows(model)
    quantities = {f"layer {index} ({(rows[index - 1] if index <= len(rows) else book_rows[index - 1])[0]}): "
                  f"output shape, parameters": tuple(rows[index - 1][1:]) if index <= len(rows) else None
                  for index in range(1, max(len(rows), len(book_rows)) + 1)}
    return quantities | {f"{model.name}: total parameters": model.count_params()}


# Models whose claim gives a total but no summary table: claim → (which model, builder, key of the book's number).
TOTALS: Mapping[str, tuple[str, Callable[[], keras.Model], str]] = {
    "arch.dlwp1.mnist_convnet": ("its conv base alone", lambda: models.mnist_convnet(classifier=False),
                                 "conv_base_total"),
    "arch.dlwp1.cats_dogs_convnet": ("with Dropout(0.5)", lambda: models.cats_dogs_convnet(dropout=True), "total"),
    "arch.dlwp2.mnist_convnet": ("as built", models.mnist_convnet_v2, "total"),
    "arch.dlwp2.no_max_pool": ("as built", lambda: models.mnist_convnet_v2(pooling=False), "total"),
    "arch.dlwp2.cats_dogs_convnet": ("as built", models.cats_dogs_convnet_v2, "total"),
}


def total_quantity(claim_id: str) -> tuple[str, int]:
    which, build, _ = TOTALS[claim_id]
    model = build()
    return f"{model.name}, {which}: total parameters", model.count_params()


def unpooled_quantities() -> dict[str, Any]:
    """arch.dlwp1.no_max_pool: the values of the unpooled convnet's last map, and a Dense(512) on them."""
    last_map = models.mnist_convnet("none", classifier=False).layers[-1].output.shape[1:]  # (22, 22, 64)
    dense = keras.layers.Dense(512)
    dense.build((None, math.prod(last_map)))
    return {"values in the last map": math.prod(last_map), "Dense(512) on it: parameters (Keras)": dense.count_params()}


def freezing_quantities() -> dict[str, Any]:
    """arch.dlwp1.vgg16_head: the trainable weight tensors of VGG16 with its classifier, before and after freezing;
    the base's parameters frozen, and with DLwP1 5.3's fine-tuning unfreezing from block5_conv1 on."""
    base = pretrained.vgg16_base()
    model = pretrained.vgg16_classifier(base)
    before = len(model.trainable_weights)
    base.trainable = False
    found = {"trainable weight tensors, base trainable": before,
             "trainable weight tensors, base frozen": len(model.trainable_weights),
             "base frozen: trainable, non-trainable parameters": parameter_split(base)}
    pretrained.unfreeze_top_block(base, "vgg16")  # the book's loop: trainable from block5_conv1 on
    return found | {"base, block5 unfrozen: trainable, non-trainable parameters": parameter_split(base)}


def mobilenet_quantities(fine_tune_ats: Sequence[int] = (100, 99)) -> dict[str, Any]:
    """arch.tft.mobilenet_v2: TFT's counts of its base and model, and the split after unfreezing from each layer.

    Each split starts from every layer trainable, as on the tutorial's fresh base: making the base trainable
    again does not make trainable a layer frozen one by one before."""
    base = pretrained.mobilenet_v2_base()
    model = pretrained.mobilenet_v2_classifier(base)
    base.trainable = False
    found = {"base total": base.count_params(), "feature map": tuple(base.output.shape[1:]),
             "model total": model.count_params(), "frozen trainable": parameter_split(model)[0],
             "trainable variables, base frozen": len(model.trainable_variables),
             "layers in the base": len(base.layers)}
    for fine_tune_at in fine_tune_ats:
        for layer in base.layers:
            layer.trainable = True
        pretrained.unfreeze_from(base, fine_tune_at)
        found[f"fine_tune_at={fine_tune_at}: trainable, non-trainable"] = parameter_split(model)
        found[f"fine_tune_at={fine_tune_at}: trainable variables"] = len(model.trainable_variables)
    return found


def vgg16_at_180_quantities() -> dict[str, tuple]:
    """arch.dlwp2.vgg16_base: the shape VGG16's convolutional base ends on at DLwP2's 180 px."""
    return {"output shape at 180×180": tuple(pretrained.vgg16_base(180).layers[-1].output.shape[1:])}


def gap_quantities() -> dict[str, int]:
    """arch.gap_vs_flatten: a Dense(1) on a (5, 5, 1280) map, after global average pooling and after Flatten."""
    return {"GAP → Dense(1) parameters": models.feature_head((5, 5, 1280), "gap").count_params(),
            "Flatten → Dense(1) parameters": models.feature_head((5, 5, 1280), "flatten").count_params()}


def summary(claim_id: str) -> dict[str, Any]:
    """The quantities of the summary the book prints for ``claim_id``, of the model BOOK_SUMMARIES builds."""
    return summary_quantities(BOOK_SUMMARIES[claim_id](), claim(claim_id).numbers["rows"])


# claim → what its checks measure of the built models: {quantity: value}, every one a count or a shape.
MEASURES: Mapping[str, Callable[[], dict[str, Any]]] = {
    "arch.hg.fashion_cnn": lambda: summary("arch.hg.fashion_cnn"),
    "arch.dlwp1.mnist_convnet": lambda: summary("arch.dlwp1.mnist_convnet")
    | dict([total_quantity("arch.dlwp1.mnist_convnet")]),
    "arch.dlwp1.no_max_pool": lambda: summary("arch.dlwp1.no_max_pool") | unpooled_quantities(),
    "arch.dlwp1.cats_dogs_convnet": lambda: summary("arch.dlwp1.cats_dogs_convnet")
    | dict([total_quantity("arch.dlwp1.cats_dogs_convnet")]),
    "arch.tfds.cnn160": lambda: summary("arch.tfds.cnn160"),
    "arch.dlwp1.vgg16_base": lambda: summary("arch.dlwp1.vgg16_base"),
    "arch.dlwp1.vgg16_head": lambda: summary("arch.dlwp1.vgg16_head") | freezing_quantities(),
    "arch.dlwp2.mnist_convnet": lambda: dict([total_quantity("arch.dlwp2.mnist_convnet")]),
    "arch.dlwp2.no_max_pool": lambda: dict([total_quantity("arch.dlwp2.no_max_pool")]),
    "arch.dlwp2.cats_dogs_convnet": lambda: dict([total_quantity("arch.dlwp2.cats_dogs_convnet")]),
    "arch.dlwp2.vgg16_base": vgg16_at_180_quantities,
    "arch.tft.mobilenet_v2": mobilenet_quantities,
    "arch.gap_vs_flatten": gap_quantities,
}
