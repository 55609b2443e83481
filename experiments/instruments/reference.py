"""Plain NumPy convolution and max pooling: the definitions, written out.

Keras' layers are checked against these, value by value. They follow the
chapters' description literally — slide a window, take a weighted sum (or a
maximum) — and use `geometry` for the padding arithmetic. Shapes are NHWC
like Keras: x (batch, h, w, c_in), kernel (k_h, k_w, c_in, c_out).
"""

from __future__ import annotations

import numpy as np

from experiments.instruments.geometry import Padding, output_size


def _pad_same(x: np.ndarray, kernel: tuple[int, int], stride: int, fill: float) -> np.ndarray:
    """Pad h and w as 'same' does: the total needed for ⌈n/s⌉ outputs, the odd pixel at the end."""
    pads = []
    for n, k in zip(x.shape[1:3], kernel):
        total = max((output_size(n, k, stride, "same") - 1) * stride + k - n, 0)
        pads.append((total // 2, total - total // 2))
    return np.pad(x, [(0, 0), *pads, (0, 0)], constant_values=fill)


def _windows(x: np.ndarray, kernel: tuple[int, int], stride: int, padding: Padding, fill: float):
    """Yield (i, j, patch) for every kernel offset: patch (b, out_h, out_w, c) holds x at that offset."""
    if padding == "same":
        x = _pad_same(x, kernel, stride, fill)
    out_h = output_size(x.shape[1], kernel[0], stride, "valid")
    out_w = output_size(x.shape[2], kernel[1], stride, "valid")
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            yield i, j, x[:, i : i + stride * out_h : stride, j : j + stride * out_w : stride, :]


def conv2d(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None = None, stride: int = 1,
           padding: Padding = "valid") -> np.ndarray:
    """Cross-correlation, as deep-learning convolutions are: out[y,x,o] = Σ in[y+i,x+j,c]·k[i,j,c,o] + b[o]."""
    x = np.asarray(x, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    out = None
    for i, j, patch in _windows(x, kernel.shape[:2], stride, padding, fill=0.0):
        term = patch @ kernel[i, j]  # (b, out_h, out_w, c_in) @ (c_in, c_out)
        out = term if out is None else out + term
    return out if bias is None else out + bias


def max_pool2d(x: np.ndarray, pool: int = 2, stride: int | None = None,
               padding: Padding = "valid") -> np.ndarray:
    """Per-channel maximum of each pool×pool window; Keras' default stride is the pool size."""
    stride = pool if stride is None else stride
    out = None
    for _, _, patch in _windows(np.asarray(x, dtype=np.float64), (pool, pool), stride, padding, fill=-np.inf):
        out = patch if out is None else np.maximum(out, patch)
    return out
