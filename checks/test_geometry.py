"""Section 2: the geometry of convolution and pooling, as properties over sizes, kernels and strides.

Keras is held to two independent references: the formulas of
`experiments.instruments.geometry` for shapes and counts, and the written-out NumPy
definitions of `experiments.instruments.reference` for the values themselves.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from hypothesis import strategies as st

from experiments.claims import claim
from experiments.figures import new_figure
from experiments.instruments import geometry, reference
from experiments.instruments.geometry import Window
from experiments.judge.properties import verify

rng_seeds = st.integers(0, 2**32 - 1)


def keras_conv(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray, stride: int, padding: str) -> np.ndarray:
    """Keras' Conv2D with the given weights, applied to x (b, h, w, c_in)."""
    layer = keras.layers.Conv2D(kernel.shape[-1], kernel.shape[:2], strides=stride, padding=padding)
    layer.build(x.shape)
    layer.set_weights([kernel, bias])
    return keras.ops.convert_to_numpy(layer(x))


def random_conv_case(seed: int, n: int, k: int, c_in: int, c_out: int):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2, n, n, c_in)).astype("float32")
    kernel = rng.normal(size=(k, k, c_in, c_out)).astype("float32")
    bias = rng.normal(size=(c_out,)).astype("float32")
    return x, kernel, bias


# --- geom.valid, geom.same: output sizes and values ---------------------------------------

PADDINGS = [
    pytest.param("valid", marks=pytest.mark.claim("geom.valid"), id="valid"),
    pytest.param("same", marks=pytest.mark.claim("geom.same"), id="same"),
]


@pytest.mark.parametrize("padding", PADDINGS)
def test_output_size_formula(padding: str, evidence) -> None:
    def law(n: int, k: int, s: int) -> None:
        k = min(k, n)  # a valid window must fit
        for layer in (keras.layers.Conv2D(1, k, strides=s, padding=padding),
                      keras.layers.MaxPooling2D(k, strides=s, padding=padding)):
            size = layer.compute_output_shape((None, n, n, 1))[1]
            formula = geometry.output_size(n, k, s, padding)
            assert size == formula, (
                f"geom.{padding}: {type(layer).__name__} n={n}, k={k}, s={s}: Keras {size}, formula {formula}"
            )

    verify(evidence, f"{padding} output size, Conv2D and MaxPooling2D", law,
           n=st.integers(1, 300), k=st.integers(1, 11), s=st.integers(1, 5))
    if padding == "same":
        size = keras.layers.Conv2D(1, 3, padding="same").compute_output_shape((None, 28, 28, 1))[1]
        evidence.measure("28×28 through a 3×3 'same' conv, stride 1", size, 28)
        assert size == 28, f"stride 1 changes the size 28 → {size}"
    else:
        evidence.measure("28×28 through a 3×3 'valid' conv", geometry.output_size(28, 3), 26)


@pytest.mark.parametrize("padding", PADDINGS)
def test_conv_values_match_reference(padding: str, evidence) -> None:
    def law(seed: int, n: int, k: int, s: int, c_in: int, c_out: int) -> None:
        k = min(k, n)
        x, kernel, bias = random_conv_case(seed, n, k, c_in, c_out)
        got = keras_conv(x, kernel, bias, s, padding)
        want = reference.conv2d(x, kernel, bias, s, padding)
        assert got.shape == want.shape, f"geom.{padding}: Keras shape {got.shape}, reference {want.shape}"
        error = float(np.max(np.abs(got - want)))
        assert error < 1e-3, f"geom.{padding}: n={n}, k={k}, s={s}: Keras differs from the NumPy reference by {error:.3g}"

    verify(evidence, f"Conv2D({padding}) values equal the NumPy reference", law, seed=rng_seeds,
           n=st.integers(1, 12), k=st.integers(1, 5), s=st.integers(1, 3),
           c_in=st.integers(1, 3), c_out=st.integers(1, 3))


# --- geom.stride --------------------------------------------------------------------------

@pytest.mark.claim("geom.stride")
def test_stride_downsamples_by_its_factor(evidence) -> None:
    def law(m: int, s: int, k: int) -> None:
        n = m * s
        size = keras.layers.Conv2D(1, k, strides=s, padding="same").compute_output_shape((None, n, n, 1))[1]
        assert n / size == s, f"{n}×{n} with stride {s} gives {size}×{size}, a factor {n / size:.3g}"

    verify(evidence, "n = m·s → n/s outputs ('same')", law,
           m=st.integers(1, 60), s=st.integers(1, 6), k=st.integers(1, 7))

    def subsampled(seed: int, n: int, k: int, s: int) -> None:
        k = min(k, n)
        x, kernel, bias = random_conv_case(seed, n, k, 2, 2)
        strided = keras_conv(x, kernel, bias, s, "valid")
        every_s = keras_conv(x, kernel, bias, 1, "valid")[:, ::s, ::s]
        assert np.allclose(strided, every_s, atol=1e-4), (
            f"stride {s} is not stride 1 kept every {s}th position (n={n}, k={k})"
        )

    verify(evidence, "stride s = stride 1, then every s-th position", subsampled,
           seed=rng_seeds, n=st.integers(1, 16), k=st.integers(1, 4), s=st.integers(1, 4))


# --- geom.pool ----------------------------------------------------------------------------

@pytest.mark.claim("geom.pool")
def test_max_pooling_defaults(evidence) -> None:
    default = keras.layers.MaxPooling2D(2).get_config()
    explicit = keras.layers.MaxPooling2D(2, strides=2, padding="valid").get_config()
    keys = ("pool_size", "strides", "padding")
    evidence.measure("MaxPooling2D(2): pool, strides, padding", [default[k] for k in keys], [[2, 2], [2, 2], "valid"])
    assert all(default[k] == explicit[k] for k in keys), (
        f"MaxPooling2D(2) is {[default[k] for k in keys]}, not {[explicit[k] for k in keys]}"
    )


@pytest.mark.claim("geom.pool")
def test_max_pooling_is_blockwise_max(evidence) -> None:
    def law(seed: int, h: int, w: int, c: int) -> None:
        x = np.random.default_rng(seed).normal(size=(2, h, w, c)).astype("float32")
        got = keras.ops.convert_to_numpy(keras.layers.MaxPooling2D(2)(x))
        m_h, m_w = h // 2, w // 2
        blocks = x[:, : 2 * m_h, : 2 * m_w].reshape(2, m_h, 2, m_w, 2, c).max(axis=(2, 4))  # disjoint 2×2 blocks
        assert got.shape == (2, m_h, m_w, c), f"{h}×{w} pooled to {got.shape[1:3]}, expected halves {(m_h, m_w)}"
        assert np.array_equal(got, blocks), "MaxPooling2D(2) is not the maximum of disjoint 2×2 blocks"
        assert np.array_equal(got, reference.max_pool2d(x).astype("float32")), "differs from the reference"

    verify(evidence, "MaxPooling2D(2) = max of disjoint 2×2 blocks", law,
           seed=rng_seeds, h=st.integers(2, 20), w=st.integers(2, 20), c=st.integers(1, 4))


# --- geom.params --------------------------------------------------------------------------

@pytest.mark.claim("geom.params")
def test_parameter_formulas(evidence) -> None:
    def conv_law(kh: int, kw: int, c_in: int, c_out: int, bias: bool) -> None:
        layer = keras.layers.Conv2D(c_out, (kh, kw), use_bias=bias)
        layer.build((None, 16, 16, c_in))
        formula = geometry.conv_params(kh, kw, c_in, c_out, bias)
        assert layer.count_params() == formula, f"Conv2D {kh}×{kw}×{c_in}→{c_out}: Keras {layer.count_params()}, formula {formula}"

    def dense_law(n_in: int, n_out: int, bias: bool) -> None:
        layer = keras.layers.Dense(n_out, use_bias=bias)
        layer.build((None, n_in))
        formula = geometry.dense_params(n_in, n_out, bias)
        assert layer.count_params() == formula, f"Dense {n_in}→{n_out}: Keras {layer.count_params()}, formula {formula}"

    verify(evidence, "Conv2D: (k_h·k_w·c_in + 1)·c_out", conv_law, kh=st.integers(1, 7), kw=st.integers(1, 7),
           c_in=st.integers(1, 64), c_out=st.integers(1, 64), bias=st.booleans())
    verify(evidence, "Dense: (n_in + 1)·n_out", dense_law,
           n_in=st.integers(1, 4096), n_out=st.integers(1, 512), bias=st.booleans())
    evidence.measure("Conv2D(64, 3) on 32 channels (the book's 2nd conv)", geometry.conv_params(3, 3, 32, 64), 18_496)


# --- geom.translation ---------------------------------------------------------------------

@pytest.mark.claim("geom.translation")
def test_convolution_is_translation_equivariant(evidence) -> None:
    size, patch = 32, 6

    def law(seed: int, k: int, y0: int, x0: int, dy: int, dx: int) -> None:
        rng = np.random.default_rng(seed)
        pattern = rng.normal(size=(patch, patch, 2)).astype("float32")
        kernel = rng.normal(size=(k, k, 2, 3)).astype("float32")
        bias = np.zeros(3, "float32")  # a bias adds the same everywhere: it cannot break equivariance
        canvas = np.zeros((1, size, size, 2), "float32")
        moved = canvas.copy()
        canvas[0, y0 : y0 + patch, x0 : x0 + patch] = pattern
        moved[0, y0 + dy : y0 + dy + patch, x0 + dx : x0 + dx + patch] = pattern
        response = keras_conv(canvas, kernel, bias, 1, "same")
        moved_response = keras_conv(moved, kernel, bias, 1, "same")
        shifted = np.roll(response, (dy, dx), axis=(1, 2))
        error = float(np.max(np.abs(moved_response - shifted)))
        assert error < 1e-4, f"shifting the input by ({dy},{dx}) does not shift the map (max error {error:.3g})"

    # The pattern stays at least k pixels from every border at both places: "away from the borders".
    margin = 5
    verify(evidence, "conv(shift(x)) = shift(conv(x))", law, seed=rng_seeds, k=st.integers(1, 5),
           y0=st.integers(margin, 10), x0=st.integers(margin, 10),
           dy=st.integers(0, size - patch - margin - 10), dx=st.integers(0, size - patch - margin - 10))


# --- geom.receptive_field -----------------------------------------------------------------

def measured_receptive_field(stack: list[Window]) -> np.ndarray:
    """The input pixels one output unit depends on, found by the gradient, as a 0/1 map.

    Pooling is measured through AveragePooling2D: it has MaxPooling2D's windows but
    sends gradient to every pixel of them, where max pooling sends it to one.
    """
    import tensorflow as tf

    size = geometry.receptive_field(stack) + 8
    layers = []
    for window in stack:
        if window.stride == 1:
            layers.append(keras.layers.Conv2D(1, window.kernel, kernel_initializer="ones", use_bias=False))
        else:
            layers.append(keras.layers.AveragePooling2D(window.kernel, strides=window.stride))
    model = keras.Sequential([keras.Input((size, size, 1)), *layers])
    x = tf.ones((1, size, size, 1))
    with tf.GradientTape() as tape:
        tape.watch(x)
        corner = model(x)[0, 0, 0, 0]  # with 'valid' layers, unit (0, 0) sees the top-left window
    return (tape.gradient(corner, x).numpy()[0, :, :, 0] != 0).astype(int)


def extent(footprint: np.ndarray) -> int:
    rows = np.flatnonzero(footprint.any(axis=1))
    return int(rows[-1] - rows[0] + 1)


@pytest.mark.claim("geom.receptive_field")
def test_receptive_field(evidence) -> None:
    three_convs = [Window(3)] * 3
    pooled = [Window(3), Window(2, 2), Window(3), Window(2, 2), Window(3)]
    book = claim("geom.receptive_field").numbers["three_convs"]

    plain_map, pooled_map = measured_receptive_field(three_convs), measured_receptive_field(pooled)
    plain = evidence.measure("three 3×3 convs: window (gradient)", extent(plain_map), book)
    evidence.measure("three 3×3 convs: window (formula)", geometry.receptive_field(three_convs), book)
    with_pooling = evidence.measure("with 2×2 pooling between: window (gradient)", extent(pooled_map))
    evidence.measure("with 2×2 pooling between: window (formula)", geometry.receptive_field(pooled))

    figure = new_figure(6, 3)
    for axis, footprint, title in zip(figure.subplots(1, 2), (plain_map, pooled_map),
                                      (f"3 convs: {plain}×{plain}", f"conv-pool-conv-pool-conv: {with_pooling}×{with_pooling}")):
        axis.imshow(footprint[: with_pooling + 4, : with_pooling + 4], cmap="Greys", vmin=0, vmax=1)
        axis.set_title(title, fontsize=10)
        axis.set_xticks([]), axis.set_yticks([])
    evidence.figure("What one output unit sees", figure,
                    "Input pixels with a non-zero gradient for the top-left output unit (black), on the same scale.")

    assert plain == book, f"three 3×3 convs see {plain}×{plain}, book {book}×{book}"
    assert with_pooling >= 2 * plain, f"pooling grows the window only to {with_pooling}, from {plain}"

    def law(kernels: list[int], pools: list[bool]) -> None:
        stack = []
        for k, pool in zip(kernels, pools):
            stack += [Window(k)] + ([Window(2, 2)] if pool else [])
        measured, formula = extent(measured_receptive_field(stack)), geometry.receptive_field(stack)
        assert measured == formula, f"{stack}: gradient {measured}, formula {formula}"

    verify(evidence, "gradient footprint = formula, random stacks", law,
           kernels=st.lists(st.integers(1, 5), min_size=1, max_size=4), pools=st.lists(st.booleans(), min_size=4, max_size=4))


# --- geom.rescale -------------------------------------------------------------------------

RESCALINGS = {
    "x/127.5 − 1": (keras.layers.Rescaling(1 / 127.5, offset=-1.0), (-1.0, 1.0)),
    "x/255": (keras.layers.Rescaling(1 / 255), (0.0, 1.0)),
}


@pytest.mark.claim("geom.rescale")
@pytest.mark.parametrize("name", RESCALINGS)
def test_rescaling_maps_onto_range(name: str, evidence) -> None:
    layer, (low, high) = RESCALINGS[name]
    ends = keras.ops.convert_to_numpy(layer(np.array([0.0, 255.0], "float32")))
    evidence.measure(f"{name}: 0 and 255 map to", ends.tolist(), [low, high])
    assert np.allclose(ends, [low, high], atol=1e-6), f"{name} maps 0, 255 to {ends.tolist()}, not {low}, {high}"

    def law(pixels: list[int]) -> None:
        x = np.array(pixels, "float32")
        y = keras.ops.convert_to_numpy(layer(x))
        assert np.all((y >= low - 1e-6) & (y <= high + 1e-6)), f"{name} leaves [{low}, {high}]: {y.min()}..{y.max()}"
        order = np.argsort(x, kind="stable")
        assert np.all(np.diff(y[order]) >= 0), f"{name} does not keep the order of pixel values"

    verify(evidence, f"{name} stays in [{low:g}, {high:g}] and keeps order", law,
           pixels=st.lists(st.integers(0, 255), min_size=1, max_size=64))
