"""Pure arithmetic of convolution and pooling, with no framework behind it.

The checks hold Keras to these formulas, so they must stay independent of
Keras: plain integers in, plain integers out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal

Padding = Literal["valid", "same"]


def output_size(n: int, kernel: int, stride: int = 1, padding: Padding = "valid") -> int:
    """Size of one spatial axis after a window of ``kernel`` sliding by ``stride``.

    valid: ⌊(n − k)/s⌋ + 1 (no output where the window would leave the input);
    same:  ⌈n/s⌉ (the input is padded so that every stride position yields one).
    """
    if n < 1 or kernel < 1 or stride < 1:
        raise ValueError(f"sizes must be positive: n={n}, kernel={kernel}, stride={stride}")
    if padding == "valid":
        if kernel > n:
            raise ValueError(f"a {kernel}-wide window does not fit a {n}-wide input without padding")
        return (n - kernel) // stride + 1
    if padding == "same":
        return -(-n // stride)
    raise ValueError(f"padding must be 'valid' or 'same', not {padding!r}")


def conv_params(kernel_h: int, kernel_w: int, channels_in: int, filters: int, bias: bool = True) -> int:
    """(k_h·k_w·c_in + 1)·c_out: one kernel per output channel, plus its bias."""
    return (kernel_h * kernel_w * channels_in + int(bias)) * filters


def dense_params(n_in: int, n_out: int, bias: bool = True) -> int:
    """(n_in + 1)·n_out: a weight from every input to every unit, plus its bias."""
    return (n_in + int(bias)) * n_out


@dataclass(frozen=True)
class Window:
    """A sliding-window layer as the receptive-field recursion sees it."""

    kernel: int
    stride: int = 1


def receptive_field(layers: Iterable[Window]) -> int:
    """Width of the input window one output unit of the stack depends on.

    Each layer widens the window by (k − 1) times the product of the strides
    before it (the "jump": how far apart neighbouring units of that layer sit
    on the input).
    """
    field, jump = 1, 1
    for layer in layers:
        field += (layer.kernel - 1) * jump
        jump *= layer.stride
    return field
