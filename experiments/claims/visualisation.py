"""Section 6: what convnets learn — activations, sparsity, filter patterns, Grad-CAM, trained kernels.

Measured on the models trained in the earlier sections (the instruments are
experiments/instruments/), and on a small convnet trained on items placed at
known spots for Grad-CAM.
"""

from __future__ import annotations

import numpy as np

from experiments.claims.bands import Band
from experiments.claims.base import UNTRAINED, Claim
from experiments.claims.controls import Alongside, Control, KnownFailure
from experiments.claims.recipe import TrainSpec
from experiments.claims.sources import Cite

SPARSITY_IMAGES = 200  # validation images the activations are measured on
DECODER_IMAGES = 100  # images the pixel decoder is fitted on, and as many it is scored on
CANVAS = 56  # side of the canvas an item of 28×28 is placed on: its box is a quarter of the canvas
CANVAS_TEST_IMAGES = 500
RANDOM_STARTS = 100  # random images a filter's ascended pattern must beat


def canvas_spec(seed: int) -> TrainSpec:
    """vis.gradcam's convnet: 5 epochs of Adam, batch 64, on 10,000 + 2,000 items placed on canvases."""
    return TrainSpec(model="canvas_convnet", model_args={"size": CANVAS},
                     data=f"fashion_mnist/book_split, 10,000 + 2,000 items on {CANVAS}px cluttered canvases",
                     loss="sparse_categorical_crossentropy", epochs=5, batch_size=64, seed=seed)


def distillation(picture: dict[int, list[float]], probe: dict[int, list[float]]) -> dict[str, list[float]]:
    """Per seed, by the id of vis.activations' band for each: what the first layer keeps of the picture, what the
    last loses, and what it gains about the class."""
    return {"first_r2": [r2[0] for r2 in picture.values()], "r2_drop": [r2[-1] - r2[0] for r2 in picture.values()],
            "probe_gain": [accuracy[-1] - accuracy[0] for accuracy in probe.values()]}


def growth(blank: dict[int, list[float]]) -> dict[str, list[float]]:
    """Per seed, by the id of vis.sparsity's band for each."""
    return {"first_blank": [b[0] for b in blank.values()], "blank_growth": [b[-1] - b[0] for b in blank.values()]}


def over_seeds(per_run: list[dict[str, list[float]]]) -> dict[str, list[float]]:
    """Per-run ascent statistics {band id: [value]}, by the id of vis.filters' band for each, as one value per run."""
    return {"excited_share": [value for run in per_run for value in run["excited_share"]],
            "entropy_gain": [value for run in per_run for value in run["entropy_gain"]]}


def inside_box(shares: list[float]) -> dict[str, list[float]]:
    """Per seed, by the id of vis.gradcam's band: the share of the heatmap inside the object's box."""
    return {"inside_box": list(shares)}


def structure(trained: list[float], untrained_shares: list[float]) -> dict[str, list[float]]:
    """Per seed, by the id of vis.trained_filters' band for each."""
    return {"trained_share": trained, "share_gain": list(np.subtract(trained, untrained_shares))}


ENTRIES = (
    Claim(
        id="vis.first_activation",
        kind="exact",
        statement=("One 150×150 photograph through section 4's second convnet: the first layer's activation is a "
                   "148×148 feature map with 32 channels."),
        source="DLwP1 5.4.1 [O]",
        book="(1, 148, 148, 32)",
        cites={"shape": Cite("DLwP1 5.4 nb", "In [7]", "printed", "cat.1700.jpg of the test set")},
        numbers={"shape": (1, 148, 148, 32)},
    ),
    Claim(
        id="vis.activations",
        kind="stochastic",
        statistics=distillation,
        control=Control("cause removed", f"The same convnet {UNTRAINED}: information distillation is something "
                        "training does.", principal="probe_gain", short="without training"),
        statement=(
            "The first layer keeps almost all of the input's information; deeper activations grow "
            "more abstract and carry less about the picture and more about the class "
            "(\"information distillation\")."
        ),
        source="DLwP1 5.4.1 [P]; MLCC (notes-mlcc)",
        book="—",
        bands={
            "first_r2": Band(low=0.9, label="R² of the image decoded linearly from the first conv layer"),
            "r2_drop": Band(high=-0.1, label="R² of the decoded image: last conv layer minus first"),
            "probe_gain": Band(low=0.05, label="class probe accuracy: last conv layer minus first"),
        },
        band_reason=(
            "Measured on the section-4 cats-vs-dogs convnet. What a layer keeps of the picture: each pixel's colour "
            "decoded by one linear map from the layer's channels at that place (maps resized to the image), fitted "
            "on 100 training images and scored by R² on 100 validation images; \"almost all\" is read as R² ≥ 0.9 "
            "for the first layer, and \"less about the picture\" as the last layer's R² at least 0.1 lower. What it "
            "holds about the class: a logistic regression on the layer's channel means, fitted on the 2,000 "
            "training images and scored on the 1,000 validation images, at least 5 points more accurate on the last "
            "layer than on the first."
        ),
    ),
    Claim(
        id="vis.sparsity",
        kind="stochastic",
        statistics=growth,
        control=Control("cause removed", "The same trained convnet with the ReLUs of its conv layers taken away (the "
                        "same weights, linear maps): no map is then ever exactly zero, so nothing is blank at any "
                        "depth.", principal="blank_growth", short="without ReLUs", judged=("blank_growth",),
                        constant="a linear map is exactly zero nowhere, so no channel is blank on any seed"),
        alongside=(Alongside(f"The same convnet {UNTRAINED}: whether sparsity with depth is something training does.",
                             short="without training"),),
        statement=(
            "The sparsity of activations grows with depth: in the first layer all filters respond "
            "to the input, in deeper layers more and more filters are blank."
        ),
        source="DLwP1 5.4.1 [P]; MLCC (notes-mlcc); DLwP2 softens it to \"almost all\"",
        book="—",
        bands={
            "first_blank": Band(high=0.10, label="blank channels after the first conv layer"),
            "blank_growth": Band(low=0.05, label="blank channels: last conv layer minus first"),
        },
        band_reason=(
            "Measured on section 4's second cats-vs-dogs convnet, with augmentation and dropout, which the book "
            "draws, over 200 validation images: a channel "
            "is blank on an image when its whole map is zero. \"All filters respond\" in the first layer is read "
            "as at most 10% blank (DLwP2's \"almost all\"), and \"more and more are blank\" as the last conv "
            "layer having at least 5 points more blank channels than the first."
        ),
    ),
    Claim(
        id="vis.filters",
        kind="stochastic",
        statistics=over_seeds,
        known_failure=KnownFailure(
            cause=(
                "The book's recipe climbs only from where a filter already answers: every filter that responds to "
                "the grey start ends far above all the random starts, but a filter silent on a grey image (many of "
                "the last layer's) gets a zero gradient through its ReLU and never moves, though nearly all of them "
                "respond to some photograph. So the ascent finds a pattern for only part of the filters, at 64 px "
                "and at the book's 150 px alike, not \"each\". The other half of the claim holds at both sizes: over "
                "the filters the ascent moved, the last layer's patterns are richer in frequencies."
            ),
            bands=("excited_share",),
            tests=("test_gradient_ascent_finds_patterns",),
        ),
        control=Control("cause removed", "The random starts themselves in the place of the ascended patterns: without "
                        "the ascent no filter is excited beyond its random starts.", principal="excited_share",
                        short="without the ascent"),
        statement=(
            "Gradient ascent on the input (40 steps, step 1, L2-normalised gradient) finds a "
            "pattern each filter responds to strongly; first-layer filters encode simple edges "
            "and colours, deeper ones textures."
        ),
        source="DLwP1 5.4.2 [P]",
        book="block3_conv1 filter 0 \"polka dot\"",
        bands={
            "excited_share": Band(low=0.8,
                                  label="share of filters their ascended pattern excites more than any of 100 "
                                        "random starts"),
            "entropy_gain": Band(low=0.05, label="spectral entropy of the patterns: last conv layer minus first"),
        },
        band_reason=(
            "Measured on the first and last conv layers of the section-4 cats-vs-dogs convnet. \"Finds a pattern "
            "each filter responds to strongly\" is read as the ascended image exciting its filter more than any of "
            "100 images drawn like the ascent's start, for at least 80% of the filters (a filter that no input "
            "activates gives no gradient to climb). \"Simple\" against \"texture\" is read through the power "
            "spectrum of what the ascent added: its entropy, over the log of the number of frequencies, is 0 for a "
            "uniform colour and 1 for white noise; the last layer's patterns must score at least 0.05 higher, "
            "on average over the filters the ascent moved (a filter silent on the start gains nothing: it has no "
            "pattern to score)."
        ),
    ),
    Claim(
        id="vis.gradcam",
        kind="stochastic",
        statistics=inside_box,
        control=Control("cause removed", "Heatmaps of uniform random noise in the place of Grad-CAM's: a map that "
                        "knows nothing of the image puts a quarter of its mass in the box.", principal="inside_box",
                        short="with random heatmaps"),
        statement=(
            "Grad-CAM (class gradient, channel-averaged, times the last conv map) localises the "
            "evidence for the predicted class in the image."
        ),
        source="DLwP1 5.4.3 [O][P]",
        book="VGG16 on the elephant photo: printed 0.909 African elephant (prose 92.5%)",
        cites={"elephant_class": Cite("DLwP1 5.4 nb", "In [30]", "printed"),
               "elephant_probability": Cite("DLwP1 5.4 nb", "In [29]", "printed", "0.90942144; the prose after it says 92.5%")},
        numbers={"elephant_class": 386, "elephant_probability": 0.909},  # ImageNet's index of "African elephant"
        bands={"inside_box": Band(low=0.50, label="share of the heatmap inside the object's box (25% of the canvas)")},
        band_reason=(
            "A Fashion-MNIST item (28×28) sits at a random place on a 56×56 canvas with clutter, so its box "
            "covers a quarter of the canvas: a heatmap that ignores the object puts about 25% of its mass there. "
            "\"Localises the evidence\" is read as at least twice that, on average over 500 test canvases."
        ),
    ),
    Claim(
        id="vis.elephant_runners_up",
        kind="exact",
        statement="After African elephant, VGG16 ranks tusker second and Indian elephant third for the elephants.",
        source="DLwP1 5.4.3 [O]",
        book="tusker 0.08618243, Indian elephant 0.0043545929",
        cites={"runners_up": Cite("DLwP1 5.4 nb", "In [29]", "printed", "decode_predictions(preds, top=3)"),
               "tusker_probability": Cite("DLwP1 5.4 nb", "In [29]", "printed"),
               "indian_elephant_probability": Cite("DLwP1 5.4 nb", "In [29]", "printed")},
        # ImageNet's indices of tusker and Indian elephant
        numbers={"runners_up": (101, 385), "tusker_probability": 0.08618243, "indian_elephant_probability": 0.0043545929},
    ),
    Claim(
        id="vis.trained_filters",
        kind="stochastic",
        statistics=structure,
        known_failure=KnownFailure(cause=(
            "Trained first-layer kernels are arranged more often than chance, but not as often as the band asks. "
            "Nine weights leave a shuffle test little room: only strong ramps, lines and checkerboards stand out, "
            "and most trained 3×3 kernels are weak mixtures. What separates HG 8-3's two pictures at a glance is "
            "the weights' size on a fixed colour scale, which train.hg.weights_spread verifies."
        ), bands=("trained_share",)),
        control=Control("A/A", f"Each seed's first-layer kernels {UNTRAINED} against another seed's, in the place of "
                        "the trained ones: random weights are arranged only by chance, whatever the seed.",
                        principal="share_gain", short="between two untrained seeds"),
        statement=(
            "Trained first-layer kernels show structure (edge-like, signed patterns); untrained "
            "ones look flat."
        ),
        source="HG 8-3 [P]; notes-fashion",
        book="—",
        bands={
            "trained_share": Band(low=0.30, label="share of first-layer kernels with a spatial arrangement, trained"),
            "share_gain": Band(low=0.15,
                               label="share of first-layer kernels with a spatial arrangement, trained minus "
                                     "untrained"),
        },
        band_reason=(
            "A kernel has a spatial arrangement when the roughness of its neighbouring weights, horizontally or "
            "vertically, departs from that of 2,000 shuffles of its own nine weights more than 90% of the "
            "shuffles do (a ramp, a blob, a line, a checkerboard). Kernels of independent random weights, as "
            "initialised, are arranged at most 10% of the time by construction; \"show structure\" is read as at "
            "least 30% of the trained kernels, and at least 15 points above the untrained ones of the same run. "
            "(The total roughness alone would be blind to lines — a line is exactly as rough as the mean of its "
            "shuffles — and lines are what trained kernels show most, hence each direction apart. The spread of "
            "the weights, the other half of the book's picture, is train.hg.weights_spread.)"
        ),
    ),
)
