"""The section-1 check catches a changed builder: one layer's width, kernel or padding.

Each mutant is the book's model rebuilt from its config with one setting
changed; `differences_from_book` must then name the claim, the layer, and the
measured and the book's value.
"""

from __future__ import annotations

import keras
import pytest

from experiments.claims import claim
from experiments.instruments.architecture import BOOK_SUMMARIES, differences_from_book

MUTATIONS = {
    "width": lambda c: {"filters": c["filters"] + 1} if "filters" in c else {"units": c["units"] + 1},
    "kernel": lambda c: {"kernel_size": [k + 2 for k in c["kernel_size"]]},
    "padding": lambda c: {"padding": "same" if c["padding"] == "valid" else "valid"},
}


def mutant(model: keras.Model, index: int, mutation: str) -> keras.Model:
    config = model.get_config()
    layer_configs = [l for l in config["layers"] if l["class_name"] != "InputLayer"]
    layer_configs[index]["config"].update(MUTATIONS[mutation](layer_configs[index]["config"]))
    for layer_config in layer_configs:  # shapes recorded at build time no longer hold downstream
        layer_config.pop("build_config", None)
    return type(model).from_config(config)


def cases() -> list:
    found = []
    for claim_id in ("arch.hg.fashion_cnn", "arch.dlwp1.mnist_convnet", "arch.dlwp1.no_max_pool",
                     "arch.dlwp1.cats_dogs_convnet", "arch.tfds.cnn160", "arch.dlwp1.vgg16_base"):
        for index, (layer_class, _, _) in enumerate(claim(claim_id).numbers["rows"]):
            mutations = {"Conv2D": ("width", "kernel", "padding"), "Dense": ("width",)}.get(layer_class, ())
            for mutation in mutations:
                found.append(pytest.param(claim_id, index, mutation, id=f"{claim_id}-layer{index + 1}-{mutation}"))
    return found


@pytest.mark.parametrize("claim_id, index, mutation", cases())
def test_changed_layer_is_named(claim_id: str, index: int, mutation: str) -> None:
    changed = mutant(BOOK_SUMMARIES[claim_id](), index, mutation)
    problems = differences_from_book(claim_id, changed)
    assert problems, f"{claim_id}: changing layer {index + 1}'s {mutation} went unnoticed"
    first = problems[0]
    assert first.startswith(f"{claim_id}: ")
    assert f"layer {index + 1} " in first, first
    assert "measured" in first and "book" in first, first


def test_unchanged_models_have_no_differences() -> None:
    for claim_id, build in BOOK_SUMMARIES.items():
        assert differences_from_book(claim_id, build()) == []


def test_freeze_check_sees_a_base_left_trainable() -> None:
    """The detector behind trans.freeze: with the base trainable, training changes its tensors."""
    import numpy as np

    from experiments.instruments.architecture import changed_tensors
    from experiments.run import pretrained

    base = pretrained.vgg16_base(32)
    model = pretrained.vgg16_classifier(base)  # base left trainable: the mistake trans.freeze must catch
    before = base.get_weights()
    model.compile(optimizer=keras.optimizers.RMSprop(2e-5), loss="binary_crossentropy")
    model.fit(np.random.default_rng(0).random((8, 32, 32, 3), dtype=np.float32), np.arange(8) % 2, epochs=1, verbose=0)
    assert len(changed_tensors(before, base.get_weights())) == 26  # every kernel and bias of the 13 convs

