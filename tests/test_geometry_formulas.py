"""The pure formulas of experiments.instruments.geometry on cases worked out by hand (many from the books)."""

import pytest

from experiments.instruments import geometry
from experiments.instruments.geometry import Window

OUTPUT_SIZES = [
    {"n": 28, "kernel": 3, "stride": 1, "padding": "valid", "expected": 26},  # DLwP1 5.1, first conv
    {"n": 26, "kernel": 2, "stride": 2, "padding": "valid", "expected": 13},  # its first pooling
    {"n": 13, "kernel": 2, "stride": 2, "padding": "valid", "expected": 6},
    {"n": 11, "kernel": 2, "stride": 2, "padding": "valid", "expected": 5},  # odd sizes round down
    {"n": 150, "kernel": 3, "stride": 1, "padding": "valid", "expected": 148},  # DLwP1 5.2
    {"n": 28, "kernel": 3, "stride": 1, "padding": "same", "expected": 28},  # HG 8-2
    {"n": 5, "kernel": 3, "stride": 2, "padding": "same", "expected": 3},  # ⌈5/2⌉
    {"n": 5, "kernel": 3, "stride": 2, "padding": "valid", "expected": 2},
    {"n": 4, "kernel": 4, "stride": 1, "padding": "valid", "expected": 1},
]


@pytest.mark.parametrize("case", OUTPUT_SIZES, ids=lambda c: "{n}-k{kernel}-s{stride}-{padding}".format(**c))
def test_output_size(case):
    arguments = {k: v for k, v in case.items() if k != "expected"}
    assert geometry.output_size(**arguments) == case["expected"]


@pytest.mark.parametrize(
    "arguments, message",
    [
        ((3, 5, 1, "valid"), "does not fit"),
        ((0, 3, 1, "valid"), "positive"),
        ((8, 3, 0, "same"), "positive"),
        ((8, 3, 1, "full"), "padding must be"),
    ],
)
def test_output_size_refuses_impossible_windows(arguments, message):
    with pytest.raises(ValueError, match=message):
        geometry.output_size(*arguments)


@pytest.mark.parametrize(
    "arguments, expected",
    [((3, 3, 1, 32), 320), ((3, 3, 32, 64), 18_496), ((3, 3, 3, 32), 896), ((3, 3, 64, 128), 73_856),
     ((3, 3, 1, 32, False), 288)],
)
def test_conv_params(arguments, expected):
    assert geometry.conv_params(*arguments) == expected


@pytest.mark.parametrize("arguments, expected", [((3136, 100), 313_700), ((6272, 512), 3_211_776), ((100, 10, False), 1_000)])
def test_dense_params(arguments, expected):
    assert geometry.dense_params(*arguments) == expected


@pytest.mark.parametrize(
    "stack, expected",
    [
        ([Window(3)], 3),
        ([Window(3)] * 3, 7),  # DLwP1 5.1.2
        ([Window(3), Window(2, 2), Window(3), Window(2, 2), Window(3)], 18),
        ([Window(2, 2)] * 3, 8),
        ([], 1),
    ],
)
def test_receptive_field(stack, expected):
    assert geometry.receptive_field(stack) == expected
