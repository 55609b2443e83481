"""Section 5: a pretrained convnet — feature extraction, freezing, fine-tuning (the tutorial's MobileNetV2 is
experiments/claims/tutorial.py's).

The book's base is VGG16 with ImageNet weights at 150×150. Offline, the smoke
profile uses Keras' ImageNet weights for MobileNet (alpha 0.25) at 96×96 — a
real ImageNet-pretrained base — with the book's heads, optimisers and learning
rates; the profile sets the base, its input size and the epochs.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from experiments.claims import overfitting
from experiments.claims.bands import Band
from experiments.claims.base import Claim
from experiments.claims.controls import Control, KnownFailure
from experiments.claims.curves import crossing_share, final_gap, last_epochs_mean
from experiments.claims.recipe import TrainSpec
from experiments.claims.sources import Cite

# The chapter's progression, from scratch to fine-tuning, that the report draws first: each stage's test accuracy
# beside the number the book printed for it (validation accuracy for the first three, test accuracy for the last).
ARC_CHAPTER = "DLwP1 5"
ARC = {  # stage → (the claim it illustrates, the key of the book's number in that claim's numbers)
    "from scratch": ("over.small_data", "final_val_accuracy"),
    "fast feature extraction": ("trans.feature_extraction", "val_accuracy"),
    "extraction with augmentation": ("trans.feature_extraction_aug", "val_accuracy"),
    "fine-tuning": ("trans.fine_tuning", "test_accuracy"),
}


def extraction_head_spec(profile, feature_shape, weights: str, pretrained: bool, seed: int) -> TrainSpec:
    """DLwP1 5.3's fast extraction: the book's head (Dense(256), Dropout(0.5), Dense(1)) on the base's features,
    30 epochs of RMSprop(2e-5), batch 20."""
    return TrainSpec(model="extraction_head", model_args={"feature_shape": list(feature_shape)},
                     data=f"{profile.transfer_base} features ({weights} weights"
                          f"{'' if pretrained else ', batch statistics'}) of cats_vs_dogs_small/{profile.transfer_size}px",
                     loss="binary_crossentropy", epochs=30, batch_size=20, seed=seed, optimizer="rmsprop",
                     learning_rate=2e-5)


def augmented_extraction_spec(profile, seed: int, fine_tune: bool = False) -> TrainSpec:
    """DLwP1 5.3's end-to-end extraction (frozen base, augmentation, RMSprop 2e-5), or its fine-tuning
    (top block unfrozen, RMSprop 1e-5), which starts from the trained extraction model."""
    spec = TrainSpec(model="pretrained_classifier",
                     model_args={"base": profile.transfer_base, "size": profile.transfer_size, "augment": True},
                     data=f"cats_vs_dogs_small/{profile.transfer_size}px", loss="binary_crossentropy",
                     epochs=profile.augmented_extraction_epochs, batch_size=20, seed=seed,
                     optimizer="rmsprop", learning_rate=2e-5)
    if not fine_tune:
        return spec
    return dataclasses.replace(spec, model_args={**spec.model_args, "fine_tune": True},
                               epochs=profile.fine_tuning_epochs, learning_rate=1e-5, start_from=spec)


def label_range_spec(head: int) -> TrainSpec:
    """The notes' mistake in small: the study notes' CNN at 32 px with a softmax head of ``head`` units, one epoch on
    images with five classes' labels (the notes' flowers; the test data are random)."""
    return TrainSpec(model="tfds_cnn", model_args={"size": 32, "classes": head}, data="random/5-classes",
                     loss="sparse_categorical_crossentropy", epochs=1, batch_size=20, seed=0)


def extraction_statistics(extraction_runs, random_runs, scratch: list[float]) -> dict[str, list[float]]:
    """Per seed, by the id of trans.feature_extraction's band for each."""
    extraction = [last_epochs_mean(r.history) for r in extraction_runs]
    return {
        "over_scratch": list(np.subtract(extraction, scratch)),
        "over_random": list(np.subtract(extraction, [last_epochs_mean(r.history) for r in random_runs])),
        "gap": [final_gap(r.history) for r in extraction_runs],
        "crossing_share": [crossing_share(r.history) for r in extraction_runs],
    }


def augmentation_statistics(fast_runs, augmented_runs) -> dict[str, list[float]]:
    """Per seed, by the id of trans.feature_extraction_aug's band for each: augmented end to end against fast."""
    return overfitting.gap_and_accuracy(fast_runs, augmented_runs)


def gain(tuned: list[float], frozen: list[float]) -> dict[str, list[float]]:
    """Per seed, by the id of trans.fine_tuning's band: test accuracy, fine-tuned minus frozen."""
    return {"gain": list(np.subtract(tuned, frozen))}


def drift(runs, split: str = "val_") -> dict[str, list[float]]:
    """Per run, by the id of trans.fine_tuning_loss's band for each: the loss and the accuracy on ``split`` ("val_":
    validation; "": the training images) at the last epoch minus at the first."""
    change = {metric: [r.history[split + metric][-1] - r.history[split + metric][0] for r in runs]
              for metric in ("loss", "accuracy")}
    return {"loss_rise": change["loss"], "accuracy_change": change["accuracy"]}


ENTRIES = (
    Claim(
        id="trans.feature_extraction",
        kind="stochastic",
        statistics=extraction_statistics,
        control=Control("cause removed", "The same base with random weights in the place of ImageNet's: what the "
                        "extraction gains over training from scratch must come from the pretrained weights.",
                        principal="over_scratch", short="with random weights",
                        judged=("over_scratch", "gap", "crossing_share")),
        statement=(
            "Features from a pretrained conv base + a small dense classifier beat training from "
            "scratch by far on the small dataset, but overfit almost from the start."
        ),
        source="DLwP1 5.3 [O][P]",
        book="~90% val (printed 0.9030) vs 71%",
        cites={"val_accuracy": Cite("DLwP1 5.3 nb", "In [6]", "printed", "epoch 30; the prose after it says about 90%"),
               "scratch_val_accuracy": Cite("DLwP1 5.2 nb", "In [15]", "printed", "epoch 30")},
        numbers={"val_accuracy": 0.9030, "scratch_val_accuracy": overfitting.SMALL_DATA.numbers["final_val_accuracy"]},
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
        statistics=augmentation_statistics,
        known_failure=KnownFailure(
            cause=(
                "Half of the claim does not reproduce with the offline base: augmentation cuts the overfitting, but "
                "validation accuracy over the last 5 epochs stays below fast extraction's, where the book gains 6 "
                "points. The curve is nearly flat over its last epochs, so the shorter budget does not obviously "
                "account for it, and a larger input size left it below as well; the likely difference is the base, "
                "MobileNet (alpha 0.25, a sixtieth of VGG16's parameters, at 96 px) for VGG16 at 150 px. The full "
                "profile judges the claim with VGG16 and 100 epochs, without this mark."
            ),
            bands=("accuracy_gain",),
            profiles=("smoke",),
        ),
        control=Control("A/A", "Each seed's fast feature extraction against the next seed's, in the place of the "
                        "augmented end-to-end model: what a change of seed alone cuts.", principal="gap_cut",
                        short="between two seeds of fast extraction"),
        statement=(
            "End-to-end feature extraction with augmentation overfits far less and scores higher."
        ),
        source="DLwP1 5.3 [O][P]",
        book="~96% (peak 0.979)",
        cites={"val_accuracy": Cite("DLwP1 5.3 nb", "after In [15]", "prose", "\"about 96%\""),
               "peak_val_accuracy": Cite("DLwP1 5.3 nb", "In [13]", "printed", "epoch 15; epoch 30 printed 0.951")},
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
        statistics=gain,
        control=Control("A/A", "Each seed's frozen stage (the augmented extraction) against the next seed's, in the "
                        "place of the fine-tuned model: what a change of seed alone gains.", principal="gain",
                        short="between two seeds of the frozen stage"),
        statement=(
            "Unfreezing the top block (block5) after the head is trained, with a low learning "
            "rate, adds ~1%."
        ),
        source="DLwP1 5.3 [O][P]",
        book="test 0.968; \"1% absolute\"",
        cites={"test_accuracy": Cite("DLwP1 5.3 nb", "In [27]", "printed"),
               "gain": Cite("DLwP1 5.3 nb", "after In [24]", "prose", "\"a nice 1% absolute improvement\"")},
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
        id="trans.fine_tuning_loss",
        kind="stochastic",
        statistics=drift,
        control=Control("cause removed", "The same runs' loss on the images they are fitted to, where more confidence "
                        "only helps: what makes the validation loss rise is the confidence of the few predictions "
                        "the model gets wrong on images it does not train on.", principal="loss_rise",
                        short="on the training images", judged=("loss_rise",)),
        statement=("While fine-tuning, the validation loss does not improve (it gets worse) while the validation "
                   "accuracy holds: accuracy thresholds each prediction, the loss averages how confident they are."),
        source="DLwP1 5.3 [O][P]",
        book="val loss 0.0980 → 0.2403, val accuracy 0.9720 → 0.9750 (epochs 1 and 100)",
        cites={"first_val_loss": Cite("DLwP1 5.3 nb", "In [19]", "printed", "epoch 1 of 100"),
               "last_val_loss": Cite("DLwP1 5.3 nb", "In [19]", "printed", "epoch 100"),
               "first_val_accuracy": Cite("DLwP1 5.3 nb", "In [19]", "printed", "epoch 1 of 100"),
               "last_val_accuracy": Cite("DLwP1 5.3 nb", "In [19]", "printed", "epoch 100")},
        numbers={"first_val_loss": 0.0980, "last_val_loss": 0.2403, "first_val_accuracy": 0.9720,
                 "last_val_accuracy": 0.9750},
        bands={"loss_rise": Band(low=0.0, label="validation loss, last epoch minus first"),
               "accuracy_change": Band(low=-0.01, label="validation accuracy, last epoch minus first")},
        at_book={"loss_rise": lambda n: n["last_val_loss"] - n["first_val_loss"],
                 "accuracy_change": lambda n: n["last_val_accuracy"] - n["first_val_accuracy"]},
        band_reason=(
            "Read off the fine-tuning curves as the book reads its own: \"does not show any real improvement "
            "(in fact, it is deteriorating)\" as a validation loss at the last epoch at or above the first's, "
            "and the accuracy as holding when it ends no more than 1 point below where it began, both on "
            "average over seeds."
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
