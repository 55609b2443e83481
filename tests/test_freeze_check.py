"""trans.freeze judged on the suite's runs: the comparison it makes catches a base left trainable."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.instruments.architecture import changed_tensors
from experiments.run import pretrained


@pytest.mark.parametrize("left_trainable", [False, True])
def test_the_freeze_check_catches_a_base_left_trainable(left_trainable):
    """trans.freeze on the suite's runs compares the trained base with the published one: a base left trainable
    in the augmented extraction must show moved tensors, a frozen one none."""
    model = pretrained.pretrained_classifier("mobilenet_0.25", 32, augment=True, pretrained=False)
    base = pretrained.conv_base_of(model)
    base.trainable = left_trainable
    before = base.get_weights()
    model.compile(optimizer="rmsprop", loss="binary_crossentropy")
    rng = np.random.default_rng(0)
    model.fit(rng.random((8, 32, 32, 3), dtype=np.float32), np.arange(8) % 2, epochs=1, batch_size=4, verbose=0)
    assert bool(changed_tensors(before, base.get_weights())) == left_trainable
