"""Section 1: parameter counts and output shapes, exactly as the books print them.

Each builder in `experiments.run.models` is held to the book's `model.summary()`
row by row; the totals and the derived numbers (the 15.8 million of a dense
layer on an unpooled map, the 30 → 4 trainable tensors, GAP against Flatten)
are computed from the built models and, where the book did arithmetic, from
`experiments.instruments.geometry`.
"""

from __future__ import annotations

import itertools
import math

import keras
import pytest

from experiments.claims import claim
from experiments.instruments import geometry
from experiments.instruments.architecture import (
    BOOK_SUMMARIES,
    differences_from_book,
    parameter_split,
    summary_rows,
)
from experiments.run import models, pretrained


def each_claim(claim_ids):
    """Parameters that carry their claim's mark, so each case reports to its own claim."""
    return [pytest.param(cid, marks=pytest.mark.claim(cid), id=cid) for cid in claim_ids]


@pytest.mark.parametrize("summarised", each_claim(BOOK_SUMMARIES))
def test_summary_matches_book(summarised: str, evidence) -> None:
    """The model's summary against the book's: every row, then the total."""
    model = BOOK_SUMMARIES[summarised]()
    book = evidence.claim.numbers
    rows = summary_rows(model)
    for index, (measured, printed) in enumerate(itertools.zip_longest(rows, book["rows"]), start=1):
        layer_class = (measured or printed)[0]
        evidence.measure(f"layer {index} ({layer_class}): output shape, parameters",
                         measured and measured[1:], printed and printed[1:])
    evidence.measure(f"{model.name}: total parameters", model.count_params(), book["total"])
    problems = differences_from_book(summarised, model)
    assert not problems, "\n".join(problems)


@pytest.mark.claim("arch.dlwp1.no_max_pool")
def test_dense_on_unpooled_map(evidence) -> None:
    book = evidence.claim.numbers
    last_map = models.mnist_convnet("none", classifier=False).layers[-1].output.shape[1:]  # (22, 22, 64)
    flat = evidence.measure("values in the last map", math.prod(last_map), book["flat_values"])
    dense = keras.layers.Dense(512)
    dense.build((None, flat))
    evidence.measure("Dense(512) on it: parameters (Keras)", dense.count_params(), book["dense512_params"])
    evidence.measure("Dense(512) on it: parameters (formula)", geometry.dense_params(flat, 512), book["dense512_params"])
    assert flat == book["flat_values"], f"last map holds {flat:,} values, book {book['flat_values']:,}"
    assert dense.count_params() == geometry.dense_params(flat, 512) == book["dense512_params"], (
        f"Dense(512) measured {dense.count_params():,}, "
        f"formula {geometry.dense_params(flat, 512):,}, book {book['dense512_params']:,}"
    )


@pytest.mark.claim("arch.dlwp1.vgg16_head")
def test_freezing_the_base(evidence) -> None:
    book = evidence.claim.numbers
    base = pretrained.vgg16_base()
    model = pretrained.vgg16_classifier(base)
    before = evidence.measure("trainable weight tensors, base trainable", len(model.trainable_weights), book["trainable_tensors_before"])
    base.trainable = False
    after = evidence.measure("trainable weight tensors, base frozen", len(model.trainable_weights), book["trainable_tensors_after"])
    want = (book["trainable_tensors_before"], book["trainable_tensors_after"])
    assert (before, after) == want, f"trainable tensors {before} → {after}, book {want[0]} → {want[1]}"


# Models whose claim gives a total but no summary table: (claim, which model, builder, key of the book's number).
TOTALS = [
    ("arch.dlwp1.mnist_convnet", "its conv base alone", lambda: models.mnist_convnet(classifier=False), "conv_base_total"),
    ("arch.dlwp1.cats_dogs_convnet", "with Dropout(0.5)", lambda: models.cats_dogs_convnet(dropout=True), "total"),
    ("arch.dlwp2.mnist_convnet", "as built", models.mnist_convnet_v2, "total"),
    ("arch.dlwp2.no_max_pool", "as built", lambda: models.mnist_convnet_v2(pooling=False), "total"),
    ("arch.dlwp2.cats_dogs_convnet", "as built", models.cats_dogs_convnet_v2, "total"),
]


@pytest.mark.parametrize(
    "claim_id, which, build, key",
    [pytest.param(*case, marks=pytest.mark.claim(case[0]), id=f"{case[0]}-{case[3]}") for case in TOTALS],
)
def test_total_parameters(claim_id: str, which: str, build, key: str, evidence) -> None:
    model = build()
    book = evidence.claim.numbers[key]
    total = evidence.measure(f"{model.name}, {which}: total parameters", model.count_params(), book)
    assert total == book, f"{claim_id}: {model.name}, {which}: total parameters measured {total:,}, book {book:,}"


@pytest.mark.claim("arch.dlwp2.vgg16_base")
def test_vgg16_base_at_180(evidence) -> None:
    book = evidence.claim.numbers["output_shape"]
    shape = evidence.measure("output shape at 180×180", tuple(pretrained.vgg16_base(180).layers[-1].output.shape[1:]), book)
    assert shape == book, f"output {shape}, book {book}"


# --- MobileNetV2, the TensorFlow tutorial -------------------------------------------------

MOBILENET = claim("arch.tft.mobilenet_v2").numbers


@pytest.fixture
def mobilenet():
    """A fresh base and model per check: the checks below change which layers are trainable."""
    base = pretrained.mobilenet_v2_base()
    return base, pretrained.mobilenet_v2_classifier(base)


@pytest.mark.claim("arch.tft.mobilenet_v2")
def test_mobilenet_v2_counts(mobilenet, evidence) -> None:
    base, model = mobilenet
    base.trainable = False
    measured = {
        "base_total": base.count_params(),
        "feature_map": tuple(base.output.shape[1:]),
        "model_total": model.count_params(),
        "frozen_trainable": parameter_split(model)[0],
    }
    for name, value in measured.items():
        evidence.measure(name.replace("_", " "), value, MOBILENET[name])
    wrong = [f"{k} measured {v}, tutorial {MOBILENET[k]}" for k, v in measured.items() if v != MOBILENET[k]]
    assert not wrong, "; ".join(wrong)


@pytest.mark.claim("arch.tft.mobilenet_v2")
def test_mobilenet_v2_layer_count(mobilenet, evidence) -> None:
    base, _ = mobilenet
    count = evidence.measure("layers in the base", len(base.layers), MOBILENET["base_layers"])
    assert count == MOBILENET["base_layers"], f"base has {count} layers, tutorial {MOBILENET['base_layers']}"



def split_after_unfreezing(base: keras.Model, model: keras.Model, fine_tune_at: int) -> tuple[int, int]:
    pretrained.unfreeze_from(base, fine_tune_at)
    return parameter_split(model)


@pytest.mark.claim("arch.tft.mobilenet_v2")
@pytest.mark.parametrize("fine_tune_at", [
    pytest.param(100, id="tutorial-100"),  # a known failure (the catalogue's arch.tft.mobilenet_v2)
    pytest.param(99, id="one-layer-earlier"),  # the known failure's explanation, itself checked
])
def test_mobilenet_v2_fine_tune_split(mobilenet, fine_tune_at: int, evidence) -> None:
    base, model = mobilenet
    book = (MOBILENET["fine_tune_trainable"], MOBILENET["fine_tune_non_trainable"])
    split = evidence.measure(f"fine_tune_at={fine_tune_at}: trainable, non-trainable",
                             split_after_unfreezing(base, model, fine_tune_at), book)
    assert split == book, (
        f"fine_tune_at={fine_tune_at} leaves {split[0]:,} / {split[1]:,}, "
        f"tutorial {book[0]:,} / {book[1]:,}"
    )


@pytest.mark.claim("arch.gap_vs_flatten")
def test_gap_vs_flatten(evidence) -> None:
    book = evidence.claim.numbers
    gap = evidence.measure("GAP → Dense(1) parameters", models.feature_head((5, 5, 1280), "gap").count_params(), book["gap"])
    flat = evidence.measure("Flatten → Dense(1) parameters", models.feature_head((5, 5, 1280), "flatten").count_params(), book["flatten"])
    ratio = evidence.measure("Flatten / GAP, rounded", round(flat / gap), book["ratio"])
    assert (gap, flat, ratio) == (book["gap"], book["flatten"], book["ratio"]), (
        f"measured {gap:,} vs {flat:,} ({ratio}×), book {book['gap']:,} vs {book['flatten']:,} ({book['ratio']}×)"
    )
