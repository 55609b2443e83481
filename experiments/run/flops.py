"""The arithmetic of a training step, counted from the model, and the fp32 peak of this CPU: how far a run is
from the machine's limit.

Counted: the multiply-adds of Conv2D, DepthwiseConv2D, SeparableConv2D and
Dense layers, two floating-point operations each, as TensorFlow's profiler
counts them (tests/test_flops.py holds the count to it). Not counted: bias
adds, activations, pooling, normalisation and augmentation, which are a few
per cent of a convnet's arithmetic and bound by memory rather than by
arithmetic. A training step costs the forward pass, and for every layer from
the lowest one that trains, twice its forward arithmetic more (the gradients
for its input and for its weights); a frozen base below costs its forward
pass only.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import keras

FMA_UNITS = 2  # fused multiply-add units per core: two on the x86 server cores of this decade (an assumption, stated)


def _layers(model: keras.Model) -> list[keras.layers.Layer]:
    """Every layer, nested models opened, in order."""
    found = []
    for layer in model.layers:
        found.extend(_layers(layer) if isinstance(layer, keras.Model) else [layer])
    return found


def layer_flops(layer: keras.layers.Layer) -> int:
    """Floating-point operations of ``layer``'s forward pass for one image (0 for the layers not counted)."""
    if not layer.weights:
        return 0
    out = layer.output.shape[1:]
    positions = math.prod(out[:-1])  # the places the layer's kernel is applied at
    if isinstance(layer, keras.layers.SeparableConv2D):
        kh, kw, c_in, multiplier = layer.depthwise_kernel.shape
        return 2 * positions * (kh * kw * c_in * multiplier + c_in * multiplier * out[-1])
    if isinstance(layer, keras.layers.DepthwiseConv2D):
        kh, kw, c_in, multiplier = layer.kernel.shape
        return 2 * positions * kh * kw * c_in * multiplier
    if isinstance(layer, keras.layers.Conv2D):
        kh, kw, c_in, c_out = layer.kernel.shape
        return 2 * positions * kh * kw * c_in * c_out
    if isinstance(layer, keras.layers.Dense):
        n_in, n_out = layer.kernel.shape
        return 2 * positions * n_in * n_out
    return 0


def forward_flops(model: keras.Model) -> int:
    """Per image, the forward pass."""
    return sum(layer_flops(layer) for layer in _layers(model))


def training_flops(model: keras.Model) -> int:
    """Per image, a training step: the forward pass, and the backward pass from the lowest trainable layer up."""
    layers = _layers(model)
    first = next((i for i, layer in enumerate(layers) if layer.trainable_weights), len(layers))
    return forward_flops(model) + 2 * sum(layer_flops(layer) for layer in layers[first:])


def cpu_peak() -> dict[str, float | int | str]:
    """This CPU's fp32 peak: cores × clock × vector lanes × 2 (a multiply-add) × FMA units, each stated."""
    cores = os.cpu_count() or 1
    info = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").is_file() else ""
    clocks = [float(mhz) for mhz in re.findall(r"^cpu MHz\s*:\s*([\d.]+)", info, re.MULTILINE)]
    flags = set(re.search(r"^flags\s*:(.*)$", info, re.MULTILINE).group(1).split()) if "flags" in info else set()
    family = re.search(r"^cpu family\s*:\s*(\d+)", info, re.MULTILINE)
    # AMD's Zen 4 (family 25) runs AVX-512 on 256-bit units: eight fp32 lanes a cycle, as AVX2
    half_width = "AuthenticAMD" in info and family is not None and int(family.group(1)) == 25
    vector = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "SSE"
    lanes = {"AVX-512": 8 if half_width else 16, "AVX2": 8, "SSE": 4}[vector]  # fp32 lanes of an FMA unit
    ghz = max(clocks) / 1000 if clocks else float("nan")
    return {"cores": cores, "ghz": ghz, "fp32_lanes": lanes, "fma_units": FMA_UNITS,
            "gflops": cores * ghz * lanes * 2 * FMA_UNITS,
            "vector": vector + (" on 256-bit units (AMD Zen 4)" if half_width and vector == "AVX-512" else "")}
