"""The measuring instruments of section 6 (Grad-CAM, kernel arrangement, filter patterns) on inputs whose answer is known."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from experiments.instruments import patterns, probes
from experiments.instruments.canvas import place_on_canvas
from experiments.instruments.gradcam import gradcam, share_inside
from experiments.run import models, pretrained


def test_items_sit_whole_inside_their_boxes():
    items = np.random.default_rng(0).random((20, 28, 28)).astype(np.float32)
    canvases, boxes = place_on_canvas(items, 56, seed=3)
    assert canvases.shape == (20, 56, 56, 1) and boxes.shape == (20, 4)
    assert np.all(boxes[:, 2] - boxes[:, 0] == 28) and np.all(boxes[:, 3] - boxes[:, 1] == 28)
    assert boxes.min() >= 0 and boxes.max() <= 56
    for canvas, item, (top, left, bottom, right) in zip(canvases[..., 0], items, boxes):
        assert np.all(canvas[top:bottom, left:right] >= item)  # clutter may add ink, never remove the item's


def test_share_inside_is_one_for_heat_in_the_box_and_the_box_share_for_flat_heat():
    boxes = np.array([[0, 0, 28, 28], [28, 28, 56, 56]])
    inside = np.zeros((2, 14, 14))
    inside[0, 2:5, 2:5], inside[1, 9:12, 9:12] = 1.0, 1.0
    assert share_inside(inside, boxes, 56) == pytest.approx([1.0, 1.0])
    assert share_inside(np.ones((2, 14, 14)), boxes, 56) == pytest.approx([0.25, 0.25])
    assert share_inside(np.zeros((2, 14, 14)), boxes, 56) == pytest.approx([0.25, 0.25])  # points nowhere


def test_gradcam_of_a_linear_model_is_its_map():
    """Class score = mean of one channel's map: every position's gradient is equal, so the heatmap is the map."""
    inputs = keras.Input((4, 4, 1))
    maps = keras.layers.Conv2D(1, 1, use_bias=False, kernel_initializer="ones", name="last_conv")(inputs)
    scores = keras.layers.Dense(2, kernel_initializer=keras.initializers.Constant([[1.0, -1.0]]),
                                use_bias=False)(keras.layers.GlobalAveragePooling2D()(maps))
    model = keras.Model(inputs, scores)
    images = np.random.default_rng(0).random((3, 4, 4, 1)).astype(np.float32)
    heatmaps, predicted = gradcam(model, "last_conv", images)
    assert predicted.tolist() == [0, 0, 0]
    np.testing.assert_allclose(heatmaps, images[..., 0] / 16, rtol=1e-5)


def test_independent_random_kernels_are_arranged_at_most_at_the_chance_rate():
    kernels = np.random.default_rng(1).uniform(-1, 1, (2000, 3, 3))
    assert 0.07 <= probes.arranged(kernels, shuffles=500).mean() <= 0.12


@pytest.mark.parametrize("kernel", [
    [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]],  # a vertical edge: smoother than any shuffle of its weights
    [[1, -1, 1], [-1, 1, -1], [1, -1, 1]],  # a checkerboard: rougher
    [[0, -1, 0], [0, -1, 0], [0, -1, 0]],  # a line: as rough as its shuffles in all, but all of it across
])
def test_edges_lines_and_checkerboards_are_arranged(kernel):
    assert probes.arranged(np.array([kernel], float)).tolist() == [True]


def test_spectral_entropy_runs_from_a_uniform_colour_to_white_noise():
    uniform = np.full((1, 16, 16, 3), 0.3)
    noise = np.random.default_rng(0).normal(size=(1, 16, 16, 3))
    stripes = np.broadcast_to(np.sin(np.arange(16) * np.pi / 2)[None, :, None], (16, 16, 3))[None]  # period 4
    assert patterns.spectral_entropy(uniform) == pytest.approx([0.0], abs=1e-9)
    assert patterns.spectral_entropy(noise)[0] > 0.85
    assert patterns.spectral_entropy(stripes)[0] == pytest.approx(np.log(2) / np.log(256))  # 2 of 256 frequencies


def test_ascent_raises_each_filters_response_and_a_dead_filter_stays():
    inputs = keras.Input((8, 8, 3))
    conv = keras.layers.Conv2D(2, 3, activation="relu", name="conv")
    model = keras.Model(inputs, conv(inputs))
    kernel = np.zeros((3, 3, 3, 2), np.float32)
    kernel[1, 1, 0, 0] = 1.0  # filter 0 answers red
    conv.set_weights([kernel, np.array([0.0, -100.0], np.float32)])  # filter 1: never active
    start = patterns.starting_images(2, 8, seed=0)
    ascended = patterns.ascend(model, "conv", start)
    before, after = (np.diagonal(patterns.filter_responses(model, "conv", x)) for x in (start, ascended))
    assert after[0] > before[0] + 30 * patterns.STEP  # 40 steps, less the border's
    assert after[1] == before[1] == 0 and np.array_equal(ascended[1], start[1])
    entropy = patterns.pattern_entropy(start, ascended)  # the dead filter has no pattern, so no score
    assert entropy.shape == (1,) and entropy[0] == patterns.spectral_entropy(ascended[:1] - start[:1])[0] > 0


def test_decoding_r2_is_one_for_the_image_itself_and_near_zero_for_noise():
    rng = np.random.default_rng(0)
    fit, test = rng.random((4, 8, 8, 3)), rng.random((4, 8, 8, 3))
    assert probes.decoding_r2(fit, fit, test, test) == pytest.approx(1.0)
    assert probes.decoding_r2(rng.random((4, 8, 8, 5)), fit, rng.random((4, 8, 8, 5)), test) < 0.05


def test_class_probe_reads_a_class_written_in_one_channel():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 200)
    means = rng.normal(size=(200, 4))
    means[:, 2] += 3 * labels
    assert probes.class_probe_accuracy(means[:100], labels[:100], means[100:], labels[100:]) > 0.9
    assert probes.class_probe_accuracy(means[:100, [0, 1, 3]], labels[:100], means[100:, [0, 1, 3]], labels[100:]) < 0.7


def test_without_relu_no_channel_is_blank_so_the_sparsity_growth_fails():
    """vis.sparsity's control: the section-4 convnet with linear conv layers never gives a channel of zeros."""
    from experiments.claims import claim

    model = models.cats_dogs_convnet(64)
    images = np.random.default_rng(0).random((20, 64, 64, 3)).astype(np.float32)
    assert all(probes.zero_fraction(maps) > 0 for maps in probes.conv_activations(model, images))  # ReLUs at work
    blank = [probes.blank_channel_fraction(maps) for maps in probes.conv_activations(probes.without_relu(model), images)]
    assert blank == [0.0, 0.0, 0.0, 0.0]
    assert not claim("vis.sparsity").bands["blank_growth"].contains(blank[-1] - blank[0])


def test_channel_means_by_chunks_are_those_of_the_whole_maps():
    """One activation model for every chunk: the same batches, so the same bits as all the maps at once."""
    model = models.cats_dogs_convnet(64)
    images = np.random.default_rng(1).random((120, 64, 64, 3)).astype(np.float32)
    whole = [maps.mean(axis=(1, 2)) for maps in probes.conv_activations(model, images)]
    for by_chunks, at_once in zip(probes.conv_channel_means(model, images, chunk=50), whole, strict=True):
        np.testing.assert_array_equal(by_chunks, at_once)


def test_the_ascent_step_follows_the_pixel_range():
    """VGG16 reads 0–255 as the book feeds it: the start and the step scale with the range."""
    inputs = keras.Input((8, 8, 3))
    conv = keras.layers.Conv2D(1, 1, kernel_initializer="ones", name="conv")
    model = keras.Model(inputs, conv(inputs))
    unit, byte = (patterns.starting_images(1, 8, seed=0, value_range=r) for r in (1.0, 255.0))
    np.testing.assert_allclose(byte, unit * 255, rtol=1e-5)
    moved = [np.abs(patterns.ascend(model, "conv", start, value_range=r) - start).mean()
             for start, r in ((unit, 1.0), (byte, 255.0))]
    assert moved[1] == pytest.approx(moved[0] * 255, rel=1e-4)


def test_gradcam_and_the_ascent_run_on_keras_vgg16_as_the_full_profile_calls_them():
    """Section 6's VGG16 checks need downloaded weights, so only a full profile with a network runs them: here
    are their calls on keras.applications' own VGG16 (random weights), the functional model they will meet."""
    keras.utils.set_random_seed(0)
    with_classifier = keras.applications.VGG16(weights=None)  # 224×224 with ImageNet's 1,000-class top, as for the elephants
    photo = np.random.default_rng(0).random((1, 224, 224, 3)).astype(np.float32) * 255
    heatmaps, predicted = gradcam(with_classifier, "block5_conv3", keras.applications.vgg16.preprocess_input(photo))
    assert heatmaps.shape == (1, 14, 14) and np.all(np.isfinite(heatmaps)) and heatmaps.min() >= 0
    assert 0 <= predicted[0] < 1000
    base = pretrained.vgg16_base(32)
    start = patterns.starting_images(3, 32, seed=0, value_range=255.0)
    ascended = patterns.ascend(base, "block1_conv1", start, value_range=255.0)
    before, after = (np.diagonal(patterns.filter_responses(base, "block1_conv1", x)) for x in (start, ascended))
    assert ascended.shape == start.shape and np.all(np.isfinite(after)) and np.all(after >= before)
