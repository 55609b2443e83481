"""Section 6: what convnets learn, measured on the models trained in the earlier sections.

vis.sparsity and vis.filters look inside section 4's cats-vs-dogs convnet,
vis.trained_filters at the kernels of section 3's Fashion-MNIST CNN, and
vis.gradcam at a small convnet trained here on items placed at known spots.
"""

from __future__ import annotations

import base64
import functools
import sys

import keras
import numpy as np
import pytest

from experiments import data, figures, models, patterns, probes
from experiments.canvas import place_on_canvas
from experiments.gradcam import gradcam, share_inside
from experiments.identity import model_identity
from experiments.measurements import measured
from experiments.profiles import BOOK_SIZES
from experiments.training import Arrays, TrainSpec, train, untrained
from experiments.weights import imagenet_weights

SPARSITY_IMAGES = 200  # validation images the activations are measured on


def sparsity_by_layer(runs, images: np.ndarray, evidence, label: str, run_cache,
                      without_relu: bool = False) -> tuple[dict[int, list[float]], dict[int, list[float]]]:
    """{seed: blank-channel share per conv layer}, {seed: zero-activation share per conv layer}, each recorded;
    of the runs' models, or (``without_relu``) of the same models with their conv layers' ReLUs taken away.
    Measured once per run, variant and these images, and kept in the run cache."""
    def shares(run) -> list[list[float]]:
        model = probes.without_relu(run.model()) if without_relu else run.model()
        layers = probes.conv_activations(model, images)  # every conv layer, after its activation
        return [[probes.blank_channel_fraction(a) for a in layers], [probes.zero_fraction(a) for a in layers]]

    blank, zeros = {}, {}
    for run in runs:
        seed = run.spec.seed
        blank[seed], zeros[seed] = measured(run_cache, "sparsity by layer", functools.partial(shares, run), runs=[run],
                                            arrays=[images], parameters={"without_relu": without_relu},
                                            code=[probes, sys.modules[__name__]])
        evidence.measure(f"{label}seed {seed}: blank channels, conv 1 → {len(blank[seed])}", np.round(blank[seed], 3))
        evidence.measure(f"{label}seed {seed}: zero activations, conv 1 → {len(zeros[seed])}", np.round(zeros[seed], 3))
    return blank, zeros


def growth(blank: dict[int, list[float]]) -> dict[str, list[float]]:
    """Per seed, by the id of vis.sparsity's band for each."""
    return {"first_blank": [b[0] for b in blank.values()], "blank_growth": [b[-1] - b[0] for b in blank.values()]}


@pytest.mark.slow
@pytest.mark.claim("vis.sparsity")
def test_sparsity_grows_with_depth(augmented_runs, plain_runs, cats_vs_dogs, hg_runs, fashion_book_split, run_cache,
                                   evidence) -> None:
    images = cats_vs_dogs["validation"][0][:SPARSITY_IMAGES]
    blank, zeros = sparsity_by_layer(augmented_runs, images, evidence, "", run_cache)
    failed = evidence.judge_bands(growth(blank))
    # The control: the same models without their ReLUs.
    linear, _ = sparsity_by_layer(augmented_runs, images, evidence, "without its ReLUs (the control), ", run_cache,
                                  without_relu=True)
    evidence.judge_control(growth(linear))
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
    untrained_blank, _ = sparsity_by_layer([untrained(run) for run in augmented_runs], images, evidence, "untrained, ",
                                           run_cache)
    fashion_blank, fashion_zeros = sparsity_by_layer(hg_runs, fashion_book_split.x_val[:SPARSITY_IMAGES], evidence,
                                                     "Fashion-MNIST CNN, ", run_cache)
    evidence.figure("Blank channels by depth: the plain convnet and the second one untrained (reported, not judged)",
                    figures.per_layer_curves({"plain convnet": plain_blank, "second convnet, untrained": untrained_blank}),
                    f"{SPARSITY_IMAGES} validation images, conv layers after ReLU.")
    evidence.figure("Sparsity by depth, Fashion-MNIST CNN (reported, not judged)",
                    figures.per_layer_curves({"blank channels": fashion_blank, "zero activations": fashion_zeros}),
                    f"Section 3's CNN, {SPARSITY_IMAGES} validation images, its two conv layers after ReLU.")
    assert not failed, evidence.failure(failed)


# --- vis.trained_filters ------------------------------------------------------------------

def first_kernels(model) -> np.ndarray:
    """The first conv layer's kernels as (filters, 3, 3): HG 8-3's conv_weights[:, :, 0, i]."""
    return np.moveaxis(model.layers[0].get_weights()[0][:, :, 0, :], -1, 0)


def structure(trained: list[float], untrained_shares: list[float]) -> dict[str, list[float]]:
    """Per seed, by the id of vis.trained_filters' band for each."""
    return {"trained_share": trained, "share_gain": list(np.subtract(trained, untrained_shares))}


@pytest.mark.slow
@pytest.mark.claim("vis.trained_filters")
def test_trained_kernels_have_structure(hg_runs, evidence) -> None:
    shares = {state: [float(np.mean(probes.arranged(first_kernels(run.model(weights))))) for run in hg_runs]
              for state, weights in (("trained", "final"), ("untrained", "initial"))}
    failed = evidence.judge_bands(structure(shares["trained"], shares["untrained"]))
    evidence.judge_control(structure(shares["untrained"], shares["untrained"]))
    evidence.measure("share of untrained kernels with a spatial arrangement, per seed (10% expected by chance)",
                     shares["untrained"])
    first = hg_runs[0]
    for state, weights in (("trained", "final"), ("untrained", "initial")):
        evidence.figure(f"First-layer kernels, {state} (seed {first.spec.seed})",
                        figures.image_grid(first_kernels(first.model(weights)), 2, 16, vmin=-0.5, vmax=0.5),
                        "The 32 kernels of the Fashion-MNIST CNN's first conv layer on HG 8-3's colour scale "
                        "(vmin −0.5, vmax 0.5).")
    assert not failed, evidence.failure(failed)


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
    failed = evidence.judge_bands({"inside_box": shares})
    evidence.judge_control({"inside_box": chance})
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


@pytest.mark.slow
@pytest.mark.claim("vis.gradcam")
def test_gradcam_on_the_elephant_photograph(profile, evidence) -> None:
    """DLwP1 5.4.3 itself: VGG16 with its ImageNet classifier, the elephants, the map of block5_conv3."""
    if profile.transfer_base != "vgg16":
        pytest.skip("full profile only: VGG16 with its classifier (553 MB) and the photograph are downloads")
    book = evidence.claim.numbers  # the class index as the book reads it off model.output[:, 386]
    model = keras.applications.VGG16(weights=str(imagenet_weights("vgg16_with_top")))
    photo = data.load_elephant_photo(224)
    x = keras.applications.vgg16.preprocess_input(photo[None].astype("float32"))
    probabilities = model.predict(x, verbose=0)[0]
    heatmaps, predicted = gradcam(model, "block5_conv3", x)
    evidence.measure(f"top class ({book['elephant_class']}: African elephant)", int(predicted[0]), book["elephant_class"])
    evidence.measure("its probability", float(probabilities[book["elephant_class"]]), book["elephant_probability"])
    evidence.figure("Grad-CAM of VGG16 on the elephants", figures.heatmap_overlays(photo[None], heatmaps),
                    "The heatmap of the top class over the photograph "
                    "(Keras' Grad-CAM example photograph: the book's has no stable address).")
    assert predicted[0] == book["elephant_class"], (
        f"VGG16's top class is {predicted[0]}, not {book['elephant_class']} (African elephant)")


# --- vis.filters --------------------------------------------------------------------------

RANDOM_STARTS = 100


def conv_layer_names(model) -> list[str]:
    return [layer.name for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]


def gradient_ascent(model, layers: dict[str, str], size: int, seed: int, label: str, value_range: float = 1.0,
                    filters: int | None = None, draw: bool = False) -> dict:
    """For {depth: layer name} (first and last), by the id of vis.filters' band for each: the share of filters
    whose ascended pattern beats every random start, and the last layer's mean spectral entropy minus the
    first's, over the filters the ascent moved ("ascent"). Then the same for the control: each start moved as
    far as its ascent moved it, in a random direction ("control"). With what to record: "measures"
    [[quantity, value]] and "figures" [[title, PNG in base64, caption]]."""
    entropies: dict[str, dict[str, np.ndarray]] = {"ascent": {}, "random step": {}}
    beaten: dict[str, list[bool]] = {"ascent": [], "random step": []}
    measures, drawn = [], []
    rng = np.random.default_rng(2_000 + seed)
    for depth, layer in layers.items():
        count = model.get_layer(layer).filters if filters is None else min(filters, model.get_layer(layer).filters)
        start = patterns.starting_images(count, size, seed=seed, value_range=value_range)
        ascended = patterns.ascend(model, layer, start, value_range=value_range)
        step = ascended - start
        direction = rng.standard_normal(start.shape).astype("float32")
        norms = np.sqrt(np.sum(step ** 2, axis=(1, 2, 3), keepdims=True) / np.sum(direction ** 2, axis=(1, 2, 3), keepdims=True))
        moved_at_random = start + direction * norms  # as far as the ascent went, nowhere in particular
        silent = np.diagonal(patterns.filter_responses(model, layer, start))[:count] == 0  # no gradient to climb
        random = patterns.filter_responses(
            model, layer, patterns.starting_images(RANDOM_STARTS, size, seed=1_000 + seed, value_range=value_range))
        for way, images in (("ascent", ascended), ("random step", moved_at_random)):
            own = np.diagonal(patterns.filter_responses(model, layer, images))[:count]  # filter b on its image b
            beaten[way].extend(own > random.max(axis=0)[:count])
            entropies[way][depth] = patterns.pattern_entropy(start, images)  # silent filters have no pattern to score
        wins = np.array(beaten["ascent"][-count:])
        measures.append([f"{label}, {depth}: filters silent on the grey start; of the others, the share whose "
                         f"pattern beats every random start",
                         [float(silent.mean()), float(np.mean(wins[~silent])) if (~silent).any() else None]])
        measures.append([f"{label}, {depth}: spectral entropy of the patterns of the filters the ascent moved (mean)",
                         float(entropies["ascent"][depth].mean()) if len(entropies["ascent"][depth]) else None])
        if draw:
            shown = np.clip(0.5 + step[:16] / value_range * 3, 0, 1)  # what the ascent added
            drawn.append([f"Filter patterns, {depth} ({label})",
                          base64.b64encode(figures.png_bytes(figures.image_grid(shown, 2, 8, size=1.0))).decode("ascii"),
                          f"What 40 steps of gradient ascent added to a grey start for the first 16 filters of the "
                          f"{depth} ({layer}), contrast ×3."])
    first, last = layers
    ascent, control = ({"excited_share": [float(np.mean(beaten[way]))],
                        "entropy_gain": [float(entropies[way][last].mean() - entropies[way][first].mean())]}
                       for way in ("ascent", "random step"))
    return {"ascent": ascent, "control": control, "measures": measures, "figures": drawn}


def ascent_statistics(evidence, run_cache, model, identity: dict, **ascent_arguments) -> tuple[dict, dict]:
    """gradient_ascent of ``model`` (which ``identity`` names: its run or its weights), measured once and kept in
    the run cache; its measures and figures recorded, its statistics and its control's returned."""
    runs = identity.pop("runs", [])
    names = [layer.name for layer in model.layers]
    # A layer by its place in the model: Keras numbers the names of a rebuilt model by what the process built before.
    places = {depth: names.index(name) for depth, name in ascent_arguments["layers"].items()}
    found = measured(run_cache, "gradient ascent", lambda: gradient_ascent(model, **ascent_arguments), runs=runs,
                     parameters={**identity, **ascent_arguments, "layers": places},
                     code=[patterns, sys.modules[__name__]])
    for quantity, value in found["measures"]:
        evidence.measure(quantity, value)
    for title, png, caption in found["figures"]:
        evidence.figure(title, base64.b64decode(png), caption)
    return found["ascent"], found["control"]


def over_seeds(per_run: list[dict[str, list[float]]]) -> dict[str, list[float]]:
    """Per-run statistics {band id: [value]} gathered into {band id: one value per run}."""
    return {band_id: [value for run in per_run for value in run[band_id]] for band_id in per_run[0]}


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
    failed = evidence.judge_bands(over_seeds(ascents))
    evidence.judge_control(over_seeds(controls))
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
    base = models.vgg16_base(size, weights=str(weights))
    ascent, control = ascent_statistics(
        evidence, run_cache, base, {"weights": weights.name, "initial": model_identity(base)["initial"]},
        layers={"first conv layer": "block1_conv1", "deepest layer the book draws": "block4_conv1"}, size=size, seed=0,
        label="VGG16", value_range=255.0, filters=filters, draw=True)
    failed = evidence.judge_bands(ascent)
    evidence.judge_control(control)
    evidence.note(f"One network, so one value per statistic; the first {filters} filters of each layer.")
    if (size, filters) != (BOOK_SIZES["vgg16_pattern_size"], BOOK_SIZES["vgg16_pattern_filters"]):
        evidence.departure(f"{size}×{size} patterns of {filters} filters a layer ({profile.name} profile), not the "
                           f"book's {BOOK_SIZES['vgg16_pattern_size']} px and {BOOK_SIZES['vgg16_pattern_filters']}.")
    assert not failed, evidence.failure(failed)


# --- vis.activations ----------------------------------------------------------------------

DECODER_IMAGES = 100  # images the pixel decoder is fitted on, and as many it is scored on


def what_layers_keep(model, fit: tuple[np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray]) -> list[list[float]]:
    """[R² of the decoded image per conv layer, class probe accuracy per conv layer] of ``model``.

    The decoder is fitted on the first DECODER_IMAGES of ``fit`` and scored on as many of ``test``; the probe
    uses all of both.
    """
    (x_fit, y_fit), (x_test, y_test) = fit, test
    fit_layers = probes.conv_activations(model, x_fit[:DECODER_IMAGES])
    test_layers = probes.conv_activations(model, x_test[:DECODER_IMAGES])
    picture = [probes.decoding_r2(f, x_fit[:DECODER_IMAGES], t, x_test[:DECODER_IMAGES])
               for f, t in zip(fit_layers, test_layers)]
    probe = [probes.class_probe_accuracy(f, y_fit, t, y_test)
             for f, t in zip(probes.conv_channel_means(model, x_fit), probes.conv_channel_means(model, x_test))]
    return [picture, probe]


def distillation_by_layer(runs, fit: tuple[np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray], evidence,
                          label: str, run_cache) -> tuple[dict[int, list[float]], dict[int, list[float]]]:
    """{seed: R² of the decoded image per conv layer}, {seed: class probe accuracy per conv layer}, each recorded;
    measured once per run and these images, and kept in the run cache."""
    picture, probe = {}, {}
    for run in runs:
        picture[run.spec.seed], probe[run.spec.seed] = measured(
            run_cache, "information distillation", lambda: what_layers_keep(run.model(), fit, test), runs=[run],
            arrays=[*fit, *test], parameters={"decoder_images": DECODER_IMAGES}, code=[probes, sys.modules[__name__]])
        layers = f"conv 1 → {len(picture[run.spec.seed])}"
        evidence.measure(f"{label}seed {run.spec.seed}: R² of the decoded image, {layers}", np.round(picture[run.spec.seed], 3))
        evidence.measure(f"{label}seed {run.spec.seed}: class probe accuracy, {layers}", np.round(probe[run.spec.seed], 3))
    return picture, probe


def distillation(picture: dict[int, list[float]], probe: dict[int, list[float]]) -> dict[str, list[float]]:
    """Per seed, by the id of vis.activations' band for each: what the first layer keeps of the picture, what the
    last loses, and what it gains about the class."""
    return {"first_r2": [r2[0] for r2 in picture.values()], "r2_drop": [r2[-1] - r2[0] for r2 in picture.values()],
            "probe_gain": [accuracy[-1] - accuracy[0] for accuracy in probe.values()]}


@pytest.mark.slow
@pytest.mark.claim("vis.activations")
def test_deeper_layers_keep_less_picture_and_more_class(plain_runs, cats_vs_dogs, hg_runs, fashion_book_split,
                                                       run_cache, evidence) -> None:
    x_val = cats_vs_dogs["validation"][0]
    picture, label = distillation_by_layer(plain_runs, cats_vs_dogs["train"], cats_vs_dogs["validation"], evidence, "",
                                           run_cache)
    failed = evidence.judge_bands(distillation(picture, label))
    evidence.judge_control(distillation(*distillation_by_layer(
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
