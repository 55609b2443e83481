"""The NumPy references Keras is held to, held in turn to answers worked out by hand.

Each expected array below was computed on paper from the definition (slide
the window, take the weighted sum or the maximum), so a reference quietly
replaced by the framework it checks, or by a true (flipped) convolution, or
padded the wrong way, fails here.
"""

from __future__ import annotations

import numpy as np
import pytest

from experiments.instruments import reference

ONE_TO_NINE = np.arange(1, 10, dtype=float).reshape(1, 3, 3, 1)  # [[1 2 3] [4 5 6] [7 8 9]]
ONE_TO_SIXTEEN = np.arange(1, 17, dtype=float).reshape(1, 4, 4, 1)


def grid(rows) -> np.ndarray:
    return np.array(rows, dtype=float).reshape(1, len(rows), len(rows[0]), 1)


CASES = {
    # Cross-correlation, not convolution: out[0,0] = 1·1 + 2·2 + 4·3 + 5·4 = 37 (a flipped kernel gives 23).
    "valid": dict(x=ONE_TO_NINE, kernel=np.array([[1, 2], [3, 4]], float).reshape(2, 2, 1, 1),
                  expected=grid([[37, 47], [67, 77]])),
    # A bias is added to every output.
    "bias": dict(x=ONE_TO_NINE, kernel=np.array([[1, 2], [3, 4]], float).reshape(2, 2, 1, 1), bias=np.array([-7.0]),
                 expected=grid([[30, 40], [60, 70]])),
    # 'same', stride 1, a 3×3 window of ones: sums of each neighbourhood, zeros beyond the border.
    "same": dict(x=ONE_TO_NINE, kernel=np.ones((3, 3, 1, 1)),
                 expected=grid([[12, 21, 16], [27, 45, 33], [24, 39, 28]])),
    # 'same', stride 2 on 4×4: ⌈4/2⌉ = 2 outputs need one padded row and column, at the end (TensorFlow's rule).
    "same_stride_2": dict(x=ONE_TO_SIXTEEN, kernel=np.ones((3, 3, 1, 1)), stride=2,
                          expected=grid([[54, 45], [72, 54]])),
    # Channels: out[o] = Σ_c x[c]·k[c, o] with x = (2, 3) and k = [[1, 10], [100, 1000]].
    "channels": dict(x=np.array([2.0, 3.0]).reshape(1, 1, 1, 2), kernel=np.array([[1, 10], [100, 1000]], float).reshape(1, 1, 2, 2),
                     expected=np.array([302.0, 3020.0]).reshape(1, 1, 1, 2)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_convolution_against_hand_worked_answers(case):
    given = dict(CASES[case])
    expected = given.pop("expected")
    padding = "same" if case.startswith("same") else "valid"
    np.testing.assert_array_equal(reference.conv2d(padding=padding, **given), expected)


def test_max_pooling_against_hand_worked_answers():
    np.testing.assert_array_equal(reference.max_pool2d(ONE_TO_SIXTEEN), grid([[6, 8], [14, 16]]))
    # 'same' on 3×3 pads the last row and column with −∞, not 0: all-negative windows keep their own maximum.
    np.testing.assert_array_equal(reference.max_pool2d(-ONE_TO_NINE, padding="same"), grid([[-1, -3], [-7, -9]]))
    # Stride 1: overlapping windows.
    np.testing.assert_array_equal(reference.max_pool2d(ONE_TO_NINE, pool=2, stride=1), grid([[5, 6], [8, 9]]))
