"""Section 5: a pretrained convnet — feature extraction, freezing, fine-tuning — and the tutorial's MobileNetV2."""

from __future__ import annotations

from experiments.claims.base import UNTRAINED, Claim, KnownFailure
from experiments.stats import Band


ENTRIES = (
    Claim(
        id="trans.feature_extraction",
        kind="stochastic",
        control="The same base with random weights in the place of ImageNet's: what the extraction gains must come from the pretrained weights.",
        statement=(
            "Features from a pretrained conv base + a small dense classifier beat training from "
            "scratch by far on the small dataset, but overfit almost from the start."
        ),
        source="DLwP1 5.3 [O][P]",
        book="~90% val (printed 0.9030) vs 71%",
        numbers={"val_accuracy": 0.9030, "scratch_val_accuracy": 0.7240},
        bands={
            "over_scratch": Band(low=0.10, label="validation accuracy (last 5 epochs): extraction minus from scratch"),
            "over_random": Band(low=0.10,
                                label="validation accuracy (last 5 epochs): ImageNet weights minus random weights"),
            "gap": Band(low=0.02, label="final training − validation accuracy"),
            "crossing_share": Band(high=1 / 3,
                                   label="first epoch training accuracy passes validation accuracy / epochs"),
        },
        at_book={"over_scratch": lambda n: n["val_accuracy"] - n["scratch_val_accuracy"]},
        band_reason=(
            "The book gains 18 points over the from-scratch convnet (0.9030 vs 0.7240): \"by far\" is read as at "
            "least 10 points, and the gain must come from the pretrained weights, so the same base with random "
            "weights must fall at least 10 points short. Its training curve passes the validation curve within "
            "the first third of the 30 epochs and ends some 5 points above it: the bands ask for the crossing in "
            "the first third and a final gap of at least 2 points."
        ),
    ),
    Claim(
        id="trans.freeze",
        kind="stochastic",
        no_control="Bit-for-bit equalities, not a band; tests/test_freeze_check.py shows the check failing on a base left trainable.",
        statement=(
            "conv_base.trainable = False leaves 4 trainable tensors (from 30), and the base's "
            "weights are bit-for-bit unchanged by training."
        ),
        source="DLwP1 5.3 [O]",
        book="30 → 4",
    ),
    Claim(
        id="trans.feature_extraction_aug",
        kind="stochastic",
        known_failure=KnownFailure(
            cause=(
                "Half of the claim does not reproduce with the offline base: augmentation cuts the overfitting, but "
                "validation accuracy over the last 5 epochs stays below fast extraction's, where the book gains 6 "
                "points. The curve is nearly flat over its last epochs, so the shorter budget does not obviously "
                "account for it, and a larger input size left it below as well; the likely difference is the base, "
                "MobileNet (alpha 0.25, a sixtieth of VGG16's parameters, at 96 px) for VGG16 at 150 px. The full "
                "profile judges the claim with VGG16 and 100 epochs, without this mark."
            ),
            profiles=("smoke",),
        ),
        control="Fast feature extraction in the place of the augmented end-to-end model: without augmentation every difference is that of a run with itself.",
        statement=(
            "End-to-end feature extraction with augmentation overfits far less and scores higher."
        ),
        source="DLwP1 5.3 [O][P]",
        book="~96% (peak 0.979)",
        numbers={"val_accuracy": 0.96, "peak_val_accuracy": 0.979},
        bands={
            "gap_cut": Band(low=0.02, label="final training − validation accuracy: fast extraction minus augmented"),
            "accuracy_gain": Band(low=0.01,
                                  label="validation accuracy (last 5 epochs): augmented minus fast extraction"),
        },
        band_reason=(
            "In the book the gap of fast extraction (training some 5 points above validation) turns into "
            "validation at or above training, and validation accuracy rises about 6 points (0.90 → 0.96): the "
            "bands ask for a gap at least 2 points smaller and a rise of at least 1 point."
        ),
    ),
    Claim(
        id="trans.fine_tuning",
        kind="stochastic",
        control="The frozen stage before any training (the pretrained base under a head of random weights) in the place of the fine-tuned model: it scores near chance.",
        statement=(
            "Unfreezing the top block (block5) after the head is trained, with a low learning "
            "rate, adds ~1%."
        ),
        source="DLwP1 5.3 [O][P]",
        book="test 0.968; \"1% absolute\"",
        numbers={"test_accuracy": 0.968, "gain": 0.01},
        bands={"gain": Band(low=0.0, label="test accuracy: fine-tuned minus frozen")},
        at_book={"gain": lambda n: n["gain"]},
        band_reason=(
            "The book's gain is about 1 point of test accuracy, on the order of the noise of 1,000 test "
            "images: the band asks only for its sign (a mean gain over seeds at or above zero), and the "
            "report gives its size."
        ),
    ),
    Claim(
        id="trans.generic_lower_layers",
        kind="stochastic",
        control=f"The model with the lowest block transferred, {UNTRAINED}, in the place of the trained one: it must lose to both.",
        statement=(
            "Lower layers hold generic features (edges, colours, textures), upper layers "
            "task-specific ones: on a new task that differs a lot, reuse only the lower layers."
        ),
        source="DLwP1 5.3 [P]; notes-tfds",
        book="—",
        bands={
            "lowest_over_all": Band(low=0.0,
                                    label="target validation accuracy (last 5 epochs): "
                                          "lowest block transferred minus all blocks"),
            "lowest_over_none": Band(low=0.0,
                                     label="target validation accuracy (last 5 epochs): "
                                           "lowest block transferred minus none"),
        },
        band_reason=(
            "The book gives no number, only directions: on a target unlike the source, a base cut after its "
            "lowest block (frozen, the blocks above it trained anew) does at least as well as the whole base "
            "frozen, whose upper blocks answer the source's questions; and the lowest block, being generic, "
            "does not hurt against training everything from scratch. Both bands ask for the sign only, "
            "averaged over seeds."
        ),
    ),
    Claim(
        id="trans.tft",
        kind="stochastic",
        control="The frozen stage as training received it (the pretrained base under a head of random weights) in the place of both stages: it scores near chance and gains nothing.",
        statement=(
            "MobileNetV2 feature extraction on cats_vs_dogs reaches ≈96–97% validation accuracy, "
            "fine-tuning from layer 100 ≈98%."
        ),
        source="TFT [O]",
        book="0.9719 → 0.9875",
        numbers={"val_accuracy": 0.9719, "fine_tuned_val_accuracy": 0.9875},
        bands={
            "frozen_accuracy": Band(low=0.95, label="validation accuracy (last 5 epochs), base frozen"),
            "tuned_accuracy": Band(low=0.97, label="validation accuracy (last 5 epochs), fine-tuned from layer 100"),
            "gain": Band(low=0.005, label="validation accuracy (last 5 epochs): fine-tuned minus frozen"),
        },
        at_book={"frozen_accuracy": lambda n: n["val_accuracy"], "tuned_accuracy": lambda n: n["fine_tuned_val_accuracy"],
                 "gain": lambda n: n["fine_tuned_val_accuracy"] - n["val_accuracy"]},
        band_reason=(
            "The tutorial prints 0.9719 after 10 epochs with the base frozen and 0.9875 after 10 more with the "
            "base unfrozen from layer 100, each one epoch's accuracy on 800 validation images (about 0.6 points "
            "of noise): the bands ask for at least 0.95 and 0.97 over the last 5 epochs of each stage, and for a "
            "gain of at least half a point, a third of the printed 1.6."
        ),
    ),
    Claim(
        id="trans.label_range",
        kind="stochastic",
        no_control="The suite's refusal is checked exactly, not by a band; the framework's own answer is reported per device.",
        statement=(
            "Labels must fit the classifier's output: 5 classes on a Dense(2) head fail "
            "(\"Received a label value of 4 which is outside the valid range of [0, 2)\") — the "
            "fix is Dense(5)."
        ),
        source="notes-tfds",
        book="—",
    ),
)
