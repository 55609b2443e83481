"""Section 5, the mechanics of using a pretrained base: freezing it, and fitting labels to the head.

The trained comparisons of section 5 (feature extraction, fine-tuning) are
not encoded yet; these two claims need no pretrained weights, only the
mechanics the chapters rely on.
"""

from __future__ import annotations

import dataclasses
import re

import keras
import numpy as np
import pytest
import tensorflow as tf

from experiments import models
from experiments.claims import claim
from experiments.architecture import changed_tensors
from experiments.training import Arrays, LabelRangeError, TrainSpec, train

# --- trans.label_range --------------------------------------------------------------------

FIVE_CLASSES = np.arange(40) % 5  # labels 0..4, as five flower classes fed to the cats-vs-dogs model


def images(count: int, size: int = 32) -> np.ndarray:
    return np.random.default_rng(0).random((count, size, size, 3), dtype=np.float32)


# Keras' error for a label (2, 3 or 4) outside a 2-unit head, in TensorFlow's two wordings: the notes'
# (the default kernel) and that of the deterministic kernel this suite runs with, which names the
# first offending label of the shuffled batch rather than the one the notes show.
LABEL_ERROR = re.compile(
    r"Received a label value of [234] which is outside the valid range of \[0, 2\)|indices\[\d+\] = [234] is not in \[0, 2\)"
)


@pytest.mark.claim("trans.label_range")
def test_framework_refuses_the_labels(evidence) -> None:
    model = models.tfds_cnn(32, classes=2)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    with pytest.raises(tf.errors.InvalidArgumentError) as raised:
        model.fit(images(40), FIVE_CLASSES, epochs=1, verbose=0)
    found = LABEL_ERROR.search(str(raised.value))
    evidence.measure("Keras' error, at the end of a stack trace of this many characters", len(str(raised.value)))
    evidence.measure("Keras' error", found.group(0) if found else str(raised.value)[-200:],
                     "Received a label value of 4 which is outside the valid range of [0, 2)")
    evidence.note("With op determinism on (as in this suite) TensorFlow's deterministic kernel words the same "
                  "refusal as 'indices[i] = 3 is not in [0, 2)'; the notes' wording comes from the default kernel.")
    assert found, f"trans.label_range: Keras did not refuse the labels 2..4 of a 2-unit head as expected: {str(raised.value)[-300:]!r}"


@pytest.mark.claim("trans.label_range")
def test_suite_refuses_before_training_and_accepts_the_fix(run_cache, evidence) -> None:
    arrays = Arrays(images(40), FIVE_CLASSES, images(10), FIVE_CLASSES[:10])
    spec = TrainSpec(model="tfds_cnn", model_args={"size": 32, "classes": 2}, data="random/5-classes",
                     loss="sparse_categorical_crossentropy", epochs=1, batch_size=20, seed=0)
    with pytest.raises(LabelRangeError) as refused:
        train(spec, arrays, run_cache)
    evidence.measure("the suite's refusal, Dense(2) head", str(refused.value),
                     "labels run 0..4 but the model's head has 2 units; use Dense(5)")
    fixed = train(dataclasses.replace(spec, model_args={"size": 32, "classes": 5}), arrays, run_cache)
    evidence.measure("with Dense(5): epochs trained", fixed.epochs_run, 1)
    assert str(refused.value) == "labels run 0..4 but the model's head has 2 units; use Dense(5)", (
        f"trans.label_range: the refusal reads {str(refused.value)!r}"
    )
    assert fixed.epochs_run == 1 and np.isfinite(fixed.history["loss"][0]), "trans.label_range: Dense(5) did not train"


# --- trans.freeze -------------------------------------------------------------------------

@pytest.mark.claim("trans.freeze")
def test_frozen_base_is_untouched_by_training(evidence) -> None:
    book = claim("arch.dlwp1.vgg16_head").numbers
    base = models.vgg16_base(48)  # (1, 1, 512): the freezing mechanics do not depend on the input size
    model = models.vgg16_classifier(base)
    before_count = evidence.measure("trainable weight tensors, base trainable", len(model.trainable_weights),
                                    book["trainable_tensors_before"])
    base.trainable = False
    after_count = evidence.measure("trainable weight tensors, base frozen", len(model.trainable_weights),
                                   book["trainable_tensors_after"])

    base_before, head_before = base.get_weights(), [w.numpy() for w in model.trainable_weights]
    model.compile(optimizer=keras.optimizers.RMSprop(2e-5), loss="binary_crossentropy")
    model.fit(images(40, 48), np.arange(40) % 2, epochs=2, batch_size=20, verbose=0)
    base_changed = changed_tensors(base_before, base.get_weights())
    head_changed = changed_tensors(head_before, [w.numpy() for w in model.trainable_weights])
    evidence.measure("base weight tensors changed by training", len(base_changed), 0)
    evidence.measure("head weight tensors changed by training", len(head_changed), 4)
    evidence.departure("The base is VGG16 with random weights (weights=None) at 48×48 on random images: freezing is "
                       "a property of the layers, not of ImageNet's values, and needs no download.")
    want = (book["trainable_tensors_before"], book["trainable_tensors_after"])
    assert (before_count, after_count) == want, f"trans.freeze: trainable tensors {before_count} → {after_count}, book {want[0]} → {want[1]}"
    assert not base_changed, f"trans.freeze: training changed {len(base_changed)} of the frozen base's tensors"
    assert len(head_changed) == want[1], f"trans.freeze: training changed {len(head_changed)} of the head's {want[1]} tensors"
