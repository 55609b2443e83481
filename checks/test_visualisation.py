"""Section 6: what convnets learn, measured on the models trained in the earlier sections.

vis.sparsity and vis.filters look inside section 4's cats-vs-dogs convnet,
vis.trained_filters at the kernels of section 3's Fashion-MNIST CNN, and
vis.gradcam at a small convnet trained here on items placed at known spots.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from matplotlib.patches import Rectangle

from experiments import data, figures, models, patterns, probes
from experiments.canvas import place_on_canvas
from experiments.claims import claim
from experiments.gradcam import gradcam, share_inside
from experiments.stats import judge
from experiments.training import Arrays, TrainSpec, train
from experiments.weights import imagenet_weights

SPARSITY_IMAGES = 200  # validation images the activations are measured on


def per_layer_curves(panels: dict[str, dict[int, list[float]]]):
    """One panel per measure, one line per seed, conv layers along the x axis."""
    figure = figures.new_figure(3.5 * len(panels), 3)
    for axis, (title, values) in zip(figure.subplots(1, len(panels), squeeze=False)[0], panels.items()):
        for seed, per_layer in values.items():
            axis.plot(np.arange(1, len(per_layer) + 1), per_layer, "o-", label=f"seed {seed}")
        axis.set_xlabel("conv layer")
        axis.set_title(title, fontsize=10)
    axis.legend(fontsize=8)
    return figure


def sparsity_by_layer(runs, images: np.ndarray, evidence, label: str) -> tuple[dict[int, list[float]], dict[int, list[float]]]:
    """{seed: blank-channel share per conv layer}, {seed: zero-activation share per conv layer}, each recorded."""
    blank, zeros = {}, {}
    for run in runs:
        layers = probes.conv_activations(run.model(), images)  # every conv layer, after its ReLU
        blank[run.spec.seed] = [probes.blank_channel_fraction(a) for a in layers]
        zeros[run.spec.seed] = [probes.zero_fraction(a) for a in layers]
        evidence.measure(f"{label}seed {run.spec.seed}: blank channels, conv 1 → {len(layers)}", np.round(blank[run.spec.seed], 3))
        evidence.measure(f"{label}seed {run.spec.seed}: zero activations, conv 1 → {len(layers)}", np.round(zeros[run.spec.seed], 3))
    return blank, zeros


@pytest.mark.slow
@pytest.mark.claim("vis.sparsity")
def test_sparsity_grows_with_depth(plain_runs, cats_vs_dogs, hg_runs, fashion_book_split, evidence) -> None:
    the_claim = claim("vis.sparsity")
    blank, zeros = sparsity_by_layer(plain_runs, cats_vs_dogs["validation"][0][:SPARSITY_IMAGES], evidence, "")
    failed = evidence.judge_bands(the_claim, {"first_blank": [b[0] for b in blank.values()],
                                              "blank_growth": [b[-1] - b[0] for b in blank.values()]})
    mean_blank = np.mean(list(blank.values()), axis=0)
    mean_zeros = np.mean(list(zeros.values()), axis=0)
    evidence.measure("blank channels per conv layer, mean over seeds", mean_blank.round(3).tolist())
    evidence.measure("zero activations per conv layer, mean over seeds", mean_zeros.round(3).tolist())
    evidence.departure("Judged on the plain convnet of over.small_data; DLwP1 5.4.1 and DLwP2 9.4.1 draw the "
                       "second one, with augmentation and dropout (cats_and_dogs_small_2.h5).")
    if np.any(np.diff(mean_blank) < 0) or np.any(np.diff(mean_zeros) < 0):
        evidence.note("The growth is not monotonic layer by layer: the band compares only the first and the last "
                      "conv layer, and a reader should look at the per-layer means above.")

    evidence.figure("Sparsity by depth", per_layer_curves({"blank channels": blank, "zero activations": zeros}),
                    f"Cats-vs-dogs convnet of section 4, {SPARSITY_IMAGES} validation images; conv layers only (after "
                    "ReLU): pooling keeps the maximum of each window, so it adds no zeros of its own.")

    # The chapter's other trained model, reported beside the judged one.
    fashion_blank, fashion_zeros = sparsity_by_layer(hg_runs, fashion_book_split.x_val[:SPARSITY_IMAGES], evidence,
                                                     "Fashion-MNIST CNN, ")
    evidence.figure("Sparsity by depth, Fashion-MNIST CNN (reported, not judged)",
                    per_layer_curves({"blank channels": fashion_blank, "zero activations": fashion_zeros}),
                    f"Section 3's CNN, {SPARSITY_IMAGES} validation images, its two conv layers after ReLU.")
    assert not failed, "vis.sparsity: " + "; ".join(failed)


# --- vis.trained_filters ------------------------------------------------------------------

def first_kernels(model) -> np.ndarray:
    """The first conv layer's kernels as (filters, 3, 3): HG 8-3's conv_weights[:, :, 0, i]."""
    return np.moveaxis(model.layers[0].get_weights()[0][:, :, 0, :], -1, 0)


@pytest.mark.slow
@pytest.mark.claim("vis.trained_filters")
@pytest.mark.xfail(strict=True, reason=(
    "Trained first-layer kernels are arranged more often than chance, but not as often as the band asks. Nine "
    "weights leave a shuffle test little room: only strong ramps, lines and checkerboards stand out, and most "
    "trained 3×3 kernels are weak mixtures. What separates HG 8-3's two pictures at a glance is the weights' size "
    "on a fixed colour scale, which train.hg.weights_spread verifies."
))
def test_trained_kernels_have_structure(hg_runs, evidence) -> None:
    the_claim = claim("vis.trained_filters")
    shares = {"trained": [], "untrained": []}
    for run in hg_runs:
        for state, weights in (("trained", "final"), ("untrained", "initial")):
            shares[state].append(float(np.mean(probes.arranged(first_kernels(run.model(weights))))))
    failed = evidence.judge_bands(the_claim, {"trained_share": shares["trained"],
                                              "share_gain": np.subtract(shares["trained"], shares["untrained"])})
    evidence.measure("share of untrained kernels with a spatial arrangement, per seed (10% expected by chance)",
                     shares["untrained"])
    first = hg_runs[0]
    for state, weights in (("trained", "final"), ("untrained", "initial")):
        evidence.figure(f"First-layer kernels, {state} (seed {first.spec.seed})",
                        figures.image_grid(first_kernels(first.model(weights)), 2, 16, vmin=-0.5, vmax=0.5),
                        "The 32 kernels of the Fashion-MNIST CNN's first conv layer on HG 8-3's colour scale "
                        "(vmin −0.5, vmax 0.5).")
    assert not failed, "vis.trained_filters: " + "; ".join(failed)


# --- vis.gradcam --------------------------------------------------------------------------

CANVAS = 56  # side of the canvas an item of 28×28 is placed on: its box is a quarter of the canvas
CANVAS_TEST_IMAGES = 500


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
    return [train(TrainSpec(model="canvas_convnet", model_args={"size": CANVAS},
                            data=f"fashion_mnist/book_split, 10,000 + 2,000 items on {CANVAS}px cluttered canvases",
                            loss="sparse_categorical_crossentropy", epochs=5, batch_size=64, seed=seed),
                  arrays, run_cache, progress)
            for seed in seeds]


def gradcam_overlays(canvases: np.ndarray, heatmaps: np.ndarray, boxes: np.ndarray):
    figure = figures.new_figure(8, 2.2)
    for axis, canvas, heat, (top, left, bottom, right) in zip(figure.subplots(1, 6), canvases, heatmaps, boxes):
        axis.imshow(canvas[..., 0], cmap="gray")
        axis.imshow(heat, cmap="jet", alpha=0.45, extent=(-0.5, CANVAS - 0.5, CANVAS - 0.5, -0.5))
        axis.add_patch(Rectangle((left - 0.5, top - 0.5), right - left, bottom - top, fill=False, color="white"))
        axis.axis("off")
    return figure


@pytest.mark.slow
@pytest.mark.claim("vis.gradcam")
def test_gradcam_falls_on_the_object(canvas_runs, canvases, evidence) -> None:
    the_claim = claim("vis.gradcam")
    band = the_claim.bands["inside_box"]
    _, (x_test, y_test, boxes) = canvases
    shares, chance, accuracy = [], [], []
    for run in canvas_runs:
        heatmaps, predicted = gradcam(run.model(), "last_conv", x_test)
        shares.append(float(np.mean(share_inside(heatmaps, boxes, CANVAS))))
        accuracy.append(float(np.mean(predicted == y_test)))
        # The control: heatmaps that know nothing of the image, in Grad-CAM's place.
        noise = np.random.default_rng(run.spec.seed).random(heatmaps.shape)
        chance.append(float(np.mean(share_inside(noise, boxes, CANVAS))))
    judgement = evidence.judge_band(the_claim, "inside_box", shares)
    control = judge(band.label, chance, band, evidence.confidence)
    evidence.measure("the same share for random heatmaps in place of Grad-CAM (a control that must fail the band), "
                     "per seed", chance)
    evidence.measure("test accuracy on the canvases, per seed", accuracy)
    evidence.departure(
        "Not VGG16 on the elephant photograph (whose weights cannot be downloaded offline, and whose single image "
        "gives no number to judge): a small convnet ending in global average pooling, trained on Fashion-MNIST "
        f"items placed at random on {CANVAS}×{CANVAS} canvases with clutter, so that the object's box is known; "
        f"the book's recipe on its last conv layer, for the predicted class, over {CANVAS_TEST_IMAGES} test canvases."
    )
    first = canvas_runs[0]
    heatmaps, _ = gradcam(first.model(), "last_conv", x_test[:6])
    evidence.figure("Grad-CAM on test canvases", gradcam_overlays(x_test[:6], heatmaps, boxes[:6]),
                    f"Seed {first.spec.seed}: the heatmap of the predicted class over the canvas; the white box is "
                    "where the item was placed.")
    assert control.fails, f"vis.gradcam: random heatmaps do not fail the band ({control.describe()}): the check cannot tell"
    assert not judgement.fails, f"vis.gradcam: {judgement.describe()}"


@pytest.mark.slow
@pytest.mark.claim("vis.gradcam")
def test_gradcam_on_the_elephant_photograph(profile, evidence) -> None:
    """DLwP1 5.4.3 itself: VGG16 with its ImageNet classifier, the elephants, the map of block5_conv3."""
    if profile.transfer_base != "vgg16":
        pytest.skip("full profile only: VGG16 with its classifier (553 MB) and the photograph are downloads")
    african_elephant = 386  # ImageNet's class index, as the book reads it off model.output[:, 386]
    model = keras.applications.VGG16(weights=str(imagenet_weights("vgg16_with_top")))
    photo = data.load_elephant_photo(224)
    x = keras.applications.vgg16.preprocess_input(photo[None].astype("float32"))
    probabilities = model.predict(x, verbose=0)[0]
    heatmaps, predicted = gradcam(model, "block5_conv3", x)
    evidence.measure("top class (386: African elephant)", int(predicted[0]), african_elephant)
    evidence.measure("its probability", float(probabilities[african_elephant]), 0.909)
    figure = figures.new_figure(3, 3)
    axis = figure.subplots()
    axis.imshow(photo)
    axis.imshow(heatmaps[0], cmap="jet", alpha=0.45, extent=(-0.5, 223.5, 223.5, -0.5))
    axis.axis("off")
    evidence.figure("Grad-CAM of VGG16 on the elephants", figure, "The heatmap of the top class over the photograph "
                    "(Keras' Grad-CAM example photograph: the book's has no stable address).")
    assert predicted[0] == african_elephant, f"vis.gradcam: VGG16's top class is {predicted[0]}, not 386 (African elephant)"


# --- vis.filters --------------------------------------------------------------------------

RANDOM_STARTS = 100
VGG16_FILTERS = 64  # per layer, as DLwP1 5.4.2 draws them: the first 64 filters of each layer


def conv_layer_names(model) -> list[str]:
    return [layer.name for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]


def ascent_statistics(model, layers: dict[str, str], size: int, seed: int, evidence, label: str,
                      value_range: float = 1.0, filters: int | None = None, draw: bool = False) -> tuple[float, float]:
    """For {depth: layer name} (first and last): the share of filters whose ascended pattern beats every random
    start, and the last layer's mean spectral entropy minus the first's, over the filters the ascent moved.
    Records per-layer numbers and figures."""
    entropies, beaten = {}, []
    for depth, layer in layers.items():
        count = model.get_layer(layer).filters if filters is None else min(filters, model.get_layer(layer).filters)
        start = patterns.starting_images(count, size, seed=seed, value_range=value_range)
        ascended = patterns.ascend(model, layer, start, value_range=value_range)
        own = np.diagonal(patterns.filter_responses(model, layer, ascended))[:count]  # filter b on its image b
        silent = np.diagonal(patterns.filter_responses(model, layer, start))[:count] == 0  # no gradient to climb
        random = patterns.filter_responses(
            model, layer, patterns.starting_images(RANDOM_STARTS, size, seed=1_000 + seed, value_range=value_range))
        wins = own > random.max(axis=0)[:count]
        beaten.extend(wins)
        evidence.measure(f"{label}, {depth}: filters silent on the grey start; of the others, the share whose "
                         f"pattern beats every random start",
                         [float(silent.mean()), float(np.mean(wins[~silent])) if (~silent).any() else None])
        entropies[depth] = patterns.pattern_entropy(start, ascended)  # silent filters have no pattern to score
        evidence.measure(f"{label}, {depth}: spectral entropy of the patterns of the filters the ascent moved (mean)",
                         float(entropies[depth].mean()) if len(entropies[depth]) else None)
        if draw:
            shown = np.clip(0.5 + (ascended[:16] - start[:16]) / value_range * 3, 0, 1)  # what the ascent added
            evidence.figure(f"Filter patterns, {depth} ({label})", figures.image_grid(shown, 2, 8, size=1.0),
                            f"What 40 steps of gradient ascent added to a grey start for the first 16 filters of "
                            f"the {depth} ({layer}), contrast ×3.")
    first, last = entropies
    return float(np.mean(beaten)), float(entropies[last].mean() - entropies[first].mean())


def judge_ascent(evidence, excited: list[float], entropy_gain: list[float]) -> list[str]:
    the_claim = claim("vis.filters")
    return evidence.judge_bands(the_claim, {"excited_share": excited, "entropy_gain": entropy_gain})


ASCENT_FROM_GREY = (
    "The book's recipe climbs only from where a filter already answers: every filter that responds to the grey "
    "start ends far above all the random starts, but a filter silent on a grey image (many of the last layer's) "
    "gets a zero gradient through its ReLU and never moves, though nearly all of them respond to some photograph. "
    "So the ascent finds a pattern for only part of the filters, at 64 px and at the book's 150 px alike, not "
    "\"each\". The other half of the claim holds at both sizes: over the filters the ascent moved, the last "
    "layer's patterns are richer in frequencies."
)


@pytest.mark.slow
@pytest.mark.claim("vis.filters")
@pytest.mark.xfail(strict=True, reason=ASCENT_FROM_GREY)
def test_gradient_ascent_finds_patterns(plain_runs, profile, evidence) -> None:
    excited, entropy_gain = [], []
    for run in plain_runs:
        model = run.model()
        names = conv_layer_names(model)
        share, gain = ascent_statistics(model, {"first conv layer": names[0], "last conv layer": names[-1]},
                                        profile.cats_size, run.spec.seed, evidence, f"seed {run.spec.seed}",
                                        draw=run is plain_runs[0])
        excited.append(share)
        entropy_gain.append(gain)
    failed = judge_ascent(evidence, excited, entropy_gain)
    evidence.departure("The section-4 convnet trained from scratch on cats and dogs (the book: VGG16, judged by the "
                       f"full profile); inputs on [0, 1], so the step is 1/255 (the book's 1 on 0–255), on "
                       f"{profile.cats_size}×{profile.cats_size} images.")
    assert not failed, "vis.filters: " + "; ".join(failed)


@pytest.mark.slow
@pytest.mark.claim("vis.filters")
def test_gradient_ascent_on_vgg16(profile, evidence) -> None:
    """DLwP1 5.4.2 itself: VGG16 with ImageNet weights, fed 0–255 pixels as the book feeds it, 150×150 patterns."""
    if profile.transfer_base != "vgg16":
        pytest.skip("full profile only: VGG16's ImageNet weights are a 58 MB download")
    base = models.vgg16_base(150, weights=str(imagenet_weights("vgg16")))
    share, gain = ascent_statistics(base, {"first conv layer": "block1_conv1", "deepest layer the book draws": "block4_conv1"},
                                    150, 0, evidence, "VGG16", value_range=255.0, filters=VGG16_FILTERS, draw=True)
    failed = judge_ascent(evidence, [share], [gain])
    evidence.note(f"One network, so one value per statistic; the first {VGG16_FILTERS} filters of each layer.")
    assert not failed, "vis.filters (VGG16): " + "; ".join(failed)


# --- vis.activations ----------------------------------------------------------------------

DECODER_IMAGES = 100  # images the pixel decoder is fitted on, and as many it is scored on


def distillation_by_layer(runs, fit: tuple[np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray], evidence,
                          label: str) -> tuple[dict[int, list[float]], dict[int, list[float]]]:
    """{seed: R² of the decoded image per conv layer}, {seed: class probe accuracy per conv layer}, each recorded.

    The decoder is fitted on the first DECODER_IMAGES of ``fit`` and scored on as many of ``test``; the probe
    uses all of both.
    """
    (x_fit, y_fit), (x_test, y_test) = fit, test
    picture, probe = {}, {}
    for run in runs:
        model = run.model()
        fit_layers = probes.conv_activations(model, x_fit[:DECODER_IMAGES])
        test_layers = probes.conv_activations(model, x_test[:DECODER_IMAGES])
        picture[run.spec.seed] = [probes.decoding_r2(f, x_fit[:DECODER_IMAGES], t, x_test[:DECODER_IMAGES])
                                  for f, t in zip(fit_layers, test_layers)]
        probe[run.spec.seed] = [probes.class_probe_accuracy(f, y_fit, t, y_test) for f, t in
                                zip(probes.conv_channel_means(model, x_fit), probes.conv_channel_means(model, x_test))]
        layers = f"conv 1 → {len(fit_layers)}"
        evidence.measure(f"{label}seed {run.spec.seed}: R² of the decoded image, {layers}", np.round(picture[run.spec.seed], 3))
        evidence.measure(f"{label}seed {run.spec.seed}: class probe accuracy, {layers}", np.round(probe[run.spec.seed], 3))
    return picture, probe


@pytest.mark.slow
@pytest.mark.claim("vis.activations")
def test_deeper_layers_keep_less_picture_and_more_class(plain_runs, cats_vs_dogs, hg_runs, fashion_book_split,
                                                       evidence) -> None:
    the_claim = claim("vis.activations")
    x_val = cats_vs_dogs["validation"][0]
    picture, label = distillation_by_layer(plain_runs, cats_vs_dogs["train"], cats_vs_dogs["validation"], evidence, "")
    failed = evidence.judge_bands(the_claim, {"first_r2": [r2[0] for r2 in picture.values()],
                                              "r2_drop": [r2[-1] - r2[0] for r2 in picture.values()],
                                              "probe_gain": [acc[-1] - acc[0] for acc in label.values()]})

    first = plain_runs[0]
    maps = [layer[0] for layer in probes.conv_activations(first.model(), x_val[:1])]
    for depth, layer_maps in enumerate(maps, start=1):
        evidence.figure(f"Activations of conv {depth} for one validation image (seed {first.spec.seed})",
                        figures.image_grid(np.moveaxis(layer_maps[..., :16], -1, 0), 2, 8),
                        "The first 16 channels, as DLwP1 5.4.1 draws them; a blank square is a channel that stayed at zero.")
    evidence.figure("Information distillation by depth",
                    per_layer_curves({"R² of the decoded image": picture, "class probe accuracy": label}),
                    f"Left: each pixel decoded linearly from the layer's channels at its place ({DECODER_IMAGES} training "
                    "images fitted, as many validation images scored). Right: logistic regression on the layer's "
                    "channel means, 2,000 training images fitted, 1,000 validation images scored.")
    # The chapter's other trained model, reported beside the judged one.
    split = fashion_book_split
    fashion_picture, fashion_label = distillation_by_layer(
        hg_runs, (split.x_train[:2_000], split.y_train[:2_000]), (split.x_val[:1_000], split.y_val[:1_000]),
        evidence, "Fashion-MNIST CNN, ")
    evidence.figure("Information distillation by depth, Fashion-MNIST CNN (reported, not judged)",
                    per_layer_curves({"R² of the decoded image": fashion_picture, "class probe accuracy": fashion_label}),
                    "Section 3's CNN: the same measures, 2,000 training and 1,000 validation images for the ten-class probe.")
    assert not failed, "vis.activations: " + "; ".join(failed)
