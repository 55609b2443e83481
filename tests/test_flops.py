"""The FLOP count of experiments.run.flops against TensorFlow's own profiler, and the training step's arithmetic."""

from __future__ import annotations

import keras
import pytest
import tensorflow as tf

from experiments.run import flops, models, pretrained


def profiled_multiply_adds(model: keras.Model, size: int) -> int:
    """TensorFlow's profiler: the float operations of the convolutions and matrix products of one image's pass."""
    from tensorflow.python.profiler import model_analyzer, option_builder

    forward = tf.function(lambda x: model(x, training=False), autograph=False)
    graph = forward.get_concrete_function(tf.TensorSpec([1, size, size, 3], tf.float32)).graph
    options = option_builder.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    profile = model_analyzer.profile(graph, options=options)
    counted = ("/convolution", "/MatMul", "/depthwise")
    return sum(op.total_float_ops for op in profile.children if op.name.endswith(counted))


@pytest.mark.parametrize("build, size", [
    (lambda: models.cats_dogs_convnet(64), 64),
    (lambda: pretrained.pretrained_base("mobilenet_0.25", 96, pretrained=False), 96),
], ids=["cats-vs-dogs convnet", "MobileNet 0.25"])
def test_the_count_is_the_profilers(build, size):
    model = build()
    assert flops.forward_flops(model) == profiled_multiply_adds(model, size)


def test_a_conv_layer_by_hand():
    """(148 · 148 places) × (3 · 3 · 3 weights) × 32 filters, two operations each: the book's first layer at 150 px."""
    model = keras.Sequential([keras.Input((150, 150, 3)), keras.layers.Conv2D(32, 3)])
    assert flops.forward_flops(model) == 2 * 148 * 148 * 3 * 3 * 3 * 32


def test_a_frozen_base_costs_its_forward_pass_only():
    model = models.cats_dogs_convnet(64)
    assert flops.training_flops(model) == 3 * flops.forward_flops(model)
    for layer in model.layers[:-2]:
        layer.trainable = False
    head = sum(flops.layer_flops(layer) for layer in model.layers[-2:])
    assert flops.training_flops(model) == flops.forward_flops(model) + 2 * head


def test_the_peak_is_the_product_of_what_it_states():
    peak = flops.cpu_peak()
    assert peak["gflops"] == pytest.approx(peak["cores"] * peak["ghz"] * peak["fp32_lanes"] * 2 * peak["fma_units"])
