"""Section 6: what convnets learn, measured on the models trained in the earlier sections.

vis.sparsity and vis.filters look inside section 4's cats-vs-dogs convnet,
vis.trained_filters at the kernels of section 3's Fashion-MNIST CNN, and
vis.gradcam at a small convnet trained here on items placed at known spots.
"""

from __future__ import annotations

import base64

import keras
import numpy as np
import pytest

from experiments import figures
from experiments.claims import visualisation as recipe
from experiments.claims.visualisation import (
    CANVAS,
    CANVAS_TEST_IMAGES,
    DECODER_IMAGES,
    SPARSITY_IMAGES,
)
from experiments.data import cats_vs_dogs, datasets
from experiments.data.arrays import Arrays
from experiments.data.weights import imagenet_weights
from experiments.instruments import patterns, probes
from experiments.instruments.canvas import place_on_canvas
from experiments.instruments.gradcam import gradcam, share_inside
from experiments.run import models, pretrained
from experiments.run.identity import model_identity
from experiments.run.profiles import BOOK
from experiments.run.training import train, untrained


@pytest.mark.claim("vis.first_activation")
def test_first_activation_of_a_photograph(evidence) -> None:
    """DLwP1 5.4.1: the book's activation model, the outputs of the second convnet's four conv and four pooling
    layers, fed one test photograph of a cat at the book's 150 px. The shapes do not depend on the weights."""
    book = evidence.claim.numbers
    _, folder = cats_vs_dogs.locate()
    test_cat = next(path for path, label in cats_vs_dogs.files(folder)[0]["test"] if label == 0)
    photo = datasets.decode_image(test_cat.read_bytes(), BOOK.cats_size)[None] / 255.0  # (1, 150, 150, 3)
    model = models.cats_dogs_convnet(BOOK.cats_size, dropout=True, augment=True)
    # The book's model.layers[:8]: here the augmentation comes first, as layers, so the eight are picked by kind.
    eight = [layer for layer in model.layers if isinstance(layer, (keras.layers.Conv2D, keras.layers.MaxPooling2D))]
    activations = keras.Model(model.inputs, [layer.output for layer in eight]).predict(photo, verbose=0)
    shapes = [a.shape for a in activations]
    evidence.measure("activation shapes of the eight layers", shapes)
    evidence.measure("the first layer's activation", shapes[0], book["shape"])
    evidence.note(f"The photograph is {test_cat.name}, the first cat of the test split; the book's is cat.1700.jpg.")
    assert shapes[0] == book["shape"], f"the first layer's activation is {shapes[0]}, the book's {book['shape']}"


def sparsity_by_layer(runs, images: np.ndarray, evidence, label: str, run_cache,
                      without_relu: bool = False) -> tuple[dict[int, list[float]], dict[int, list[float]]]:
    """{seed: blank-channel share per conv layer}, {seed: zero-activation share per conv layer}, each recorded;
    of the runs' models, or (``without_relu``) of the same models with their conv layers' ReLUs taken away.
    Measured once per run, variant and these images, and kept in the run cache."""
    blank, zeros = {}, {}
    for run in runs:
        seed = run.spec.seed
        blank[seed], zeros[seed] = probes.measured_sparsity(run_cache, run, images, without_relu)
        evidence.measure(f"{label}seed {seed}: blank channels, conv 1 → {len(blank[seed])}", np.round(blank[seed], 3))
        evidence.measure(f"{label}seed {seed}: zero activations, conv 1 → {len(zeros[seed])}", np.round(zeros[seed], 3))
    return blank, zeros


@pytest.mark.slow
@pytest.mark.claim("vis.sparsity")
def test_sparsity_grows_with_depth(augmented_convnet_runs, plain_runs, cats_vs_dogs, hg_runs, fashion_book_split, run_cache,
                                   evidence) -> None:
    images = cats_vs_dogs["validation"][0][:SPARSITY_IMAGES]
    blank, zeros = sparsity_by_layer(augmented_convnet_runs, images, evidence, "", run_cache)
    failed = evidence.judge_bands(evidence.claim.statistics(blank))
    # The control: the same models without their ReLUs.
    linear, _ = sparsity_by_layer(augmented_convnet_runs, images, evidence, "without its ReLUs (the control), ", run_cache,
                                  without_relu=True)
    evidence.judge_control(evidence.claim.statistics(linear))
    mean_blank = np.mean(list(blank.values()), axis=0)
    mean_zeros = np.mean(list(zeros.values()), axis=0)
    evidence.measure("blank channels per conv layer, mean over seeds", mean_blank.round(3).tolist())
    evidence.measure("zero activations per conv layer, mean over seeds", mean_zeros.round(3).tolist())
    evidence.note("Judged on the second convnet of section 4, with augmentation and Dropout(0.5): the model DLwP1 "
                  "5.4.1 and DLwP2 9.4.1 draw (cats_and_dogs_small_2.h5). The plain convnet of over.small_data, the "
                  "same convnet untrained, and section 3's Fashion-MNIST CNN are reported beside it, not judged.")
    if np.any(np.diff(mean_blank) < 0) or np.any(np.diff(mean_zeros) < 0):
        evidence.note("The growth is not monotonic layer by layer: the band compares only the first and the last "
                      "conv layer, and a reader should look at the per-layer means above.")
    evidence.figure("Sparsity by depth", figures.per_layer_curves({"blank channels": blank, "zero activations": zeros}),
                    f"Section 4's second convnet, {SPARSITY_IMAGES} validation images; conv layers only (after "
                    "ReLU): pooling keeps the maximum of each window, so it adds no zeros of its own.")

    # Reported beside the judged model: the plain convnet, the same untrained, and the chapter's other trained model.
    plain_blank, _ = sparsity_by_layer(plain_runs, images, evidence, "plain convnet, ", run_cache)
    untrained_blank, _ = sparsity_by_layer([untrained(run) for run in augmented_convnet_runs], images, evidence, "untrained, ",
                                           run_cache)
    fashion_blank, fashion_zeros = sparsity_by_layer(hg_runs, fashion_book_split.x_val[:SPARSITY_IMAGES], evidence,
                                                     "Fashion-MNIST CNN, ", run_cache)
    (without_training,) = evidence.claim.alongside
    evidence.judge_alongside(without_training, evidence.claim.statistics(untrained_blank))
    evidence.figure("Blank channels by depth: the plain convnet and the second one untrained (reported, not judged)",
                    figures.per_layer_curves({"plain convnet": plain_blank, "second convnet, untrained": untrained_blank}),
                    f"{SPARSITY_IMAGES} validation images, conv layers after ReLU.")
    evidence.figure("Sparsity by depth, Fashion-MNIST CNN (reported, not judged)",
                    figures.per_layer_curves({"blank channels": fashion_blank, "zero activations": fashion_zeros}),
                    f"Section 3's CNN, {SPARSITY_IMAGES} validation images, its two conv layers after ReLU.")
    assert not failed, evidence.failure(failed)


# --- vis.trained_filters ------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.claim("vis.trained_filters")
def test_trained_kernels_have_structure(hg_runs, evidence) -> None:
    shares = {state: [float(np.mean(probes.arranged(probes.first_kernels(run.model(weights))))) for run in hg_runs]
              for state, weights in (("trained", "final"), ("untrained", "initial"))}
    failed = evidence.judge_bands(evidence.claim.statistics(shares["trained"], shares["untrained"]))
    evidence.judge_control(evidence.claim.statistics(evidence.claim.control.paired(shares["untrained"]),
                                                     shares["untrained"]))
    evidence.measure("share of untrained kernels with a spatial arrangement, per seed (10% expected by chance)",
                     shares["untrained"])
    first = hg_runs[0]
    for state, weights in (("trained", "final"), ("untrained", "initial")):
        evidence.figure(f"First-layer kernels, {state} (seed {first.spec.seed})",
                        figures.image_grid(probes.first_kernels(first.model(weights)), 2, 16, vmin=-0.5, vmax=0.5),
                        "The 32 kernels of the Fashion-MNIST CNN's first conv layer on HG 8-3's colour scale "
                        "(vmin −0.5, vmax 0.5).")
    assert not failed, evidence.failure(failed)


# --- vis.gradcam --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def canvases(fashion_book_split, fashion_test) -> tuple[Arrays, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(training and validation canvases, (test canvases, labels, boxes)) from the book's Fashion-MNIST split."""
    split = fashion_book_split
    x_train, _ = place_on_canvas(split.x_train[:10_000, ..., 0], CANVAS, seed=0)
    x_val, _ = place_on_canvas(split.x_val[:2_000, ..., 0], CANVAS, seed=1)
    x_test, boxes = place_on_canvas(fashion_test[0][:CANVAS_TEST_IMAGES, ..., 0], CANVAS, seed=2)
    return (Arrays(x_train, split.y_train[:10_000], x_val, split.y_val[:2_000]),
            (x_test, fashion_test[1][:CANVAS_TEST_IMAGES], boxes))


@pytest.fixture(scope="module")
def canvas_runs(canvases, seeds, run_cache, progress):
    arrays, _ = canvases
    return [train(recipe.canvas_spec(seed), arrays, run_cache, progress) for seed in seeds]


@pytest.mark.slow
@pytest.mark.claim("vis.gradcam")
def test_gradcam_falls_on_the_object(canvas_runs, canvases, evidence) -> None:
    _, (x_test, y_test, boxes) = canvases
    shares, chance, accuracy = [], [], []
    for run in canvas_runs:
        heatmaps, predicted = gradcam(run.model(), "last_conv", x_test)
        shares.append(float(np.mean(share_inside(heatmaps, boxes, CANVAS))))
        accuracy.append(float(np.mean(predicted == y_test)))
        noise = np.random.default_rng(run.spec.seed).random(heatmaps.shape)
        chance.append(float(np.mean(share_inside(noise, boxes, CANVAS))))
    failed = evidence.judge_bands(evidence.claim.statistics(shares))
    evidence.judge_control(evidence.claim.statistics(chance))
    evidence.measure("test accuracy on the canvases, per seed", accuracy)
    evidence.departure(
        "Not VGG16 on the elephant photograph (whose weights cannot be downloaded offline, and whose single image "
        "gives no number to judge): a small convnet ending in global average pooling, trained on Fashion-MNIST "
        f"items placed at random on {CANVAS}×{CANVAS} canvases with clutter, so that the object's box is known; "
        f"the book's recipe on its last conv layer, for the predicted class, over {CANVAS_TEST_IMAGES} test canvases."
    )
    first = canvas_runs[0]
    heatmaps, _ = gradcam(first.model(), "last_conv", x_test[:6])
    evidence.figure("Grad-CAM on test canvases", figures.heatmap_overlays(x_test[:6], heatmaps, boxes[:6]),
                    f"Seed {first.spec.seed}: the heatmap of the predicted class over the canvas; the white box is "
                    "where the item was placed.")
    assert not failed, evidence.failure(failed)


@pytest.fixture(scope="module")
def elephant_prediction(profile) -> tuple[keras.Model, np.ndarray, np.ndarray, np.ndarray]:
    """DLwP1 5.4.3's VGG16 with its ImageNet classifier on the elephants: (model, photograph (224, 224, 3), its
    preprocessed batch (1, 224, 224, 3), the 1,000 class probabilities)."""
    if profile.transfer_base != "vgg16":
        pytest.skip("full profile only: VGG16 with its classifier (553 MB) and the photograph are downloads")
    model = keras.applications.VGG16(weights=str(imagenet_weights("vgg16_with_top")))
    photo = datasets.load_elephant_photo(224)
    x = keras.applications.vgg16.preprocess_input(photo[None].astype("float32"))
    return model, photo, x, model.predict(x, verbose=0)[0]


@pytest.mark.slow
@pytest.mark.claim("vis.gradcam")
def test_gradcam_on_the_elephant_photograph(elephant_prediction, evidence) -> None:
    """DLwP1 5.4.3 itself: VGG16 with its ImageNet classifier, the elephants, the map of block5_conv3."""
    book = evidence.claim.numbers  # the class index as the book reads it off model.output[:, 386]
    model, photo, x, probabilities = elephant_prediction
    heatmaps, predicted = gradcam(model, "block5_conv3", x)
    evidence.measure(f"top class ({book['elephant_class']}: African elephant)", int(predicted[0]), book["elephant_class"])
    evidence.measure("its probability", float(probabilities[book["elephant_class"]]), book["elephant_probability"])
    evidence.figure("Grad-CAM of VGG16 on the elephants", figures.heatmap_overlays(photo[None], heatmaps),
                    "The heatmap of the top class over the photograph "
                    "(Keras' Grad-CAM example photograph: the book's has no stable address).")
    assert predicted[0] == book["elephant_class"], (
        f"VGG16's top class is {predicted[0]}, not {book['elephant_class']} (African elephant)")


@pytest.mark.slow
@pytest.mark.claim("vis.elephant_runners_up")
def test_elephant_runners_up(elephant_prediction, evidence) -> None:
    book = evidence.claim.numbers
    *_, probabilities = elephant_prediction
    ranked = tuple(int(i) for i in np.argsort(probabilities)[::-1][:3])  # ImageNet's indices, most probable first
    evidence.measure("the three most probable classes", ranked)
    evidence.measure("second and third", ranked[1:], book["runners_up"])
    for name, index in zip(("tusker", "indian_elephant"), book["runners_up"], strict=True):
        evidence.measure(f"probability of {name.replace('_', ' ')}", float(probabilities[index]),
                         book[f"{name}_probability"])
    evidence.note("Keras' Grad-CAM example photograph of the same scene: the book's has no stable address.")
    assert ranked[1:] == book["runners_up"], f"second and third classes {ranked[1:]}, the book's {book['runners_up']}"


# --- vis.filters --------------------------------------------------------------------------

def conv_layer_names(model) -> list[str]:
    return [layer.name for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]


def ascent_statistics(evidence, run_cache, model, identity: dict, **ascent_arguments) -> tuple[dict, dict]:
    """patterns.gradient_ascent of ``model`` (which ``identity`` names: its run or its weights), measured once and
    kept in the run cache; its measures and figures recorded, its statistics and its control's returned."""
    found = patterns.measured_ascent(run_cache, model, identity, random_starts=recipe.RANDOM_STARTS, **ascent_arguments)
    for quantity, value in found["measures"]:
        evidence.measure(quantity, value)
    for title, png, caption in found["figures"]:
        evidence.figure(title, base64.b64decode(png), caption)
    return found["ascent"], found["control"]


@pytest.mark.slow
@pytest.mark.claim("vis.filters")
def test_gradient_ascent_finds_patterns(plain_runs, profile, run_cache, evidence) -> None:
    ascents, controls = [], []
    for run in plain_runs:
        model = run.model()
        names = conv_layer_names(model)
        ascent, control = ascent_statistics(
            evidence, run_cache, model, {"runs": [run]}, layers={"first conv layer": names[0], "last conv layer": names[-1]},
            size=profile.cats_size, seed=run.spec.seed, label=f"seed {run.spec.seed}", draw=run is plain_runs[0])
        ascents.append(ascent)
        controls.append(control)
    failed = evidence.judge_bands(evidence.claim.statistics(ascents))
    evidence.judge_control(evidence.claim.statistics(controls))
    evidence.departure("The section-4 convnet trained from scratch on cats and dogs (the book: VGG16, judged by the "
                       f"full profile); inputs on [0, 1], so the step is 1/255 (the book's 1 on 0–255), on "
                       f"{profile.cats_size}×{profile.cats_size} images.")
    assert not failed, evidence.failure(failed)


@pytest.mark.slow
@pytest.mark.claim("vis.filters")
def test_gradient_ascent_on_vgg16(profile, run_cache, evidence) -> None:
    """DLwP1 5.4.2 itself: VGG16 with ImageNet weights, fed 0–255 pixels as the book feeds it, 150×150 patterns
    of the first 64 filters of each layer (at the profile's size and count)."""
    if profile.transfer_base != "vgg16":
        pytest.skip("full profile only: VGG16's ImageNet weights are a 58 MB download")
    size, filters = profile.vgg16_pattern_size, profile.vgg16_pattern_filters
    weights = imagenet_weights("vgg16")
    base = pretrained.vgg16_base(size, weights=str(weights))
    ascent, control = ascent_statistics(
        evidence, run_cache, base, {"weights": weights.name, "initial": model_identity(base)["initial"]},
        layers={"first conv layer": "block1_conv1", "deepest layer the book draws": "block4_conv1"}, size=size, seed=0,
        label="VGG16", value_range=255.0, filters=filters, draw=True)
    failed = evidence.judge_bands(evidence.claim.statistics([ascent]))
    evidence.judge_control(evidence.claim.statistics([control]))
    evidence.note(f"One network, so one value per statistic; the first {filters} filters of each layer.")
    if profile.departs("vgg16_pattern_size", "vgg16_pattern_filters"):
        evidence.departure(f"{size}×{size} patterns of {filters} filters a layer ({profile.name} profile), not the "
                           f"book's {BOOK.vgg16_pattern_size} px and {BOOK.vgg16_pattern_filters}.")
    assert not failed, evidence.failure(failed)


# --- vis.activations ----------------------------------------------------------------------

def distillation_by_layer(runs, fit: tuple[np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray], evidence,
                          label: str, run_cache) -> tuple[dict[int, list[float]], dict[int, list[float]]]:
    """{seed: R² of the decoded image per conv layer}, {seed: class probe accuracy per conv layer}, each recorded;
    measured once per run and these images, and kept in the run cache."""
    picture, probe = {}, {}
    for run in runs:
        picture[run.spec.seed], probe[run.spec.seed] = probes.measured_distillation(run_cache, run, fit, test,
                                                                                     DECODER_IMAGES)
        layers = f"conv 1 → {len(picture[run.spec.seed])}"
        evidence.measure(f"{label}seed {run.spec.seed}: R² of the decoded image, {layers}", np.round(picture[run.spec.seed], 3))
        evidence.measure(f"{label}seed {run.spec.seed}: class probe accuracy, {layers}", np.round(probe[run.spec.seed], 3))
    return picture, probe


@pytest.mark.slow
@pytest.mark.claim("vis.activations")
def test_deeper_layers_keep_less_picture_and_more_class(plain_runs, cats_vs_dogs, hg_runs, fashion_book_split,
                                                       run_cache, evidence) -> None:
    x_val = cats_vs_dogs["validation"][0]
    picture, label = distillation_by_layer(plain_runs, cats_vs_dogs["train"], cats_vs_dogs["validation"], evidence, "",
                                           run_cache)
    failed = evidence.judge_bands(evidence.claim.statistics(picture, label))
    evidence.judge_control(evidence.claim.statistics(*distillation_by_layer(
        [untrained(r) for r in plain_runs], cats_vs_dogs["train"], cats_vs_dogs["validation"], evidence,
        "untrained (the control), ", run_cache)))

    first = plain_runs[0]
    maps = [layer[0] for layer in probes.conv_activations(first.model(), x_val[:1])]
    for depth, layer_maps in enumerate(maps, start=1):
        evidence.figure(f"Activations of conv {depth} for one validation image (seed {first.spec.seed})",
                        figures.image_grid(np.moveaxis(layer_maps[..., :16], -1, 0), 2, 8),
                        "The first 16 channels, as DLwP1 5.4.1 draws them; a blank square is a channel that stayed at zero.")
    evidence.figure("Information distillation by depth",
                    figures.per_layer_curves({"R² of the decoded image": picture, "class probe accuracy": label}),
                    f"Left: each pixel decoded linearly from the layer's channels at its place ({DECODER_IMAGES} training "
                    "images fitted, as many validation images scored). Right: logistic regression on the layer's "
                    "channel means, 2,000 training images fitted, 1,000 validation images scored.")
    # The chapter's other trained model, reported beside the judged one.
    split = fashion_book_split
    fashion_picture, fashion_label = distillation_by_layer(
        hg_runs, (split.x_train[:2_000], split.y_train[:2_000]), (split.x_val[:1_000], split.y_val[:1_000]),
        evidence, "Fashion-MNIST CNN, ", run_cache)
    evidence.figure("Information distillation by depth, Fashion-MNIST CNN (reported, not judged)",
                    figures.per_layer_curves({"R² of the decoded image": fashion_picture, "class probe accuracy": fashion_label}),
                    "Section 3's CNN: the same measures, 2,000 training and 1,000 validation images for the ten-class probe.")
    assert not failed, "; ".join(failed)
