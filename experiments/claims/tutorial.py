"""Section 5, the TensorFlow tutorial's own experiment (TFT): MobileNetV2 with ImageNet weights at 160×160 on
cats_vs_dogs, trained with the base frozen, then fine-tuned from layer 100.

The tutorial's numbers are those of its 2019 version (TF 2.0 alpha), whose page printed every epoch. Its
MobileNetV2 weights are a download, so the smoke profile does not run it; the full profile does, and the tiny
profile takes its code path on stand-ins.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from experiments.claims.bands import Band
from experiments.claims.base import Claim
from experiments.claims.controls import Control
from experiments.claims.curves import last_epochs_mean
from experiments.claims.recipe import TrainSpec
from experiments.claims.sources import Cite


def tft_spec(profile, seed: int, fine_tune: bool = False) -> TrainSpec:
    """TFT: 10 epochs of Adam(1e-4) with the base frozen; then 10 of RMSprop(1e-5) with the base unfrozen
    from layer 100, starting from the first stage's weights. Batch 32; images and epochs the profile's."""
    size = profile.tutorial_size
    spec = TrainSpec(model="tft_classifier", model_args={"size": size}, data=f"cats_vs_dogs_small/{size}px",
                     loss="binary_crossentropy", epochs=profile.tutorial_epochs, batch_size=32, seed=seed,
                     optimizer="adam", learning_rate=1e-4)
    if not fine_tune:
        return spec
    return dataclasses.replace(spec, model_args={"size": size, "fine_tune_at": 100}, optimizer="rmsprop",
                               learning_rate=1e-5, start_from=spec)


def tutorial_statistics(frozen, tuned) -> dict[str, list[float]]:
    """Per seed, by the id of trans.tft's band for each."""
    frozen_level = [last_epochs_mean(r.history) for r in frozen]
    tuned_level = [last_epochs_mean(r.history) for r in tuned]
    return {"frozen_accuracy": frozen_level, "tuned_accuracy": tuned_level,
            "gain": list(np.subtract(tuned_level, frozen_level))}


def validation_lead(val_accuracy: list[float], training_accuracy: list[float]) -> dict[str, list[float]]:
    """Per seed, by the id of trans.tft_val_above_train's band: validation minus training accuracy."""
    return {"lead": list(np.subtract(val_accuracy, training_accuracy))}


ENTRIES = (
    Claim(
        id="trans.tft",
        kind="stochastic",
        statistics=tutorial_statistics,
        control=Control("A/A", "Each seed's frozen stage against the next seed's, in the place of the fine-tuned "
                        "stage: what a change of seed alone gains.", principal="gain",
                        short="between two seeds of the frozen stage", judged=("gain",)),
        statement=(
            "MobileNetV2 feature extraction on cats_vs_dogs reaches ≈96–97% validation accuracy, "
            "fine-tuning from layer 100 ≈98%."
        ),
        source="TFT [O] (the 2019 version, TF 2.0 alpha)",
        book="0.9719 → 0.9875 (2019)",
        cites={"val_accuracy": Cite("TFT 2019", "model.fit, epoch 10", "printed", "judged"),
               "fine_tuned_val_accuracy": Cite("TFT 2019", "model.fit, epoch 20", "printed", "judged"),
               "val_accuracy_prose": Cite("TFT 2019", "Train the model", "prose", "\"you should see ~96% accuracy\""),
               "fine_tuned_val_accuracy_prose": Cite("TFT 2019", "Continue training", "prose",
                                                     "\"nearly reaches 98% accuracy\"")},
        numbers={"val_accuracy": 0.9719, "fine_tuned_val_accuracy": 0.9875, "val_accuracy_prose": 0.96,
                 "fine_tuned_val_accuracy_prose": 0.98},
        bands={
            "frozen_accuracy": Band(low=0.95, label="validation accuracy (last 5 epochs), base frozen"),
            "tuned_accuracy": Band(low=0.97, label="validation accuracy (last 5 epochs), fine-tuned from layer 100"),
            "gain": Band(low=0.005, label="validation accuracy (last 5 epochs): fine-tuned minus frozen"),
        },
        at_book={"frozen_accuracy": lambda n: n["val_accuracy"], "tuned_accuracy": lambda n: n["fine_tuned_val_accuracy"],
                 "gain": lambda n: n["fine_tuned_val_accuracy"] - n["val_accuracy"]},
        band_reason=(
            "The 2019 tutorial prints 0.9719 after 10 epochs with the base frozen and 0.9875 after 10 more with "
            "the base unfrozen from layer 100 (its prose: ~96%, nearly 98%), each one epoch's accuracy on its "
            "2,326 validation images (10% of TFDS cats_vs_dogs; about 0.35 points of noise): the bands ask for "
            "at least 0.95 and 0.97 over the last 5 epochs of each stage, and for a gain of at least half a "
            "point, a third of the printed 1.6."
        ),
    ),
    Claim(
        id="trans.tft_val_above_train",
        kind="stochastic",
        statistics=validation_lead,
        control=Control("cause removed", "The same models' training photographs scored as the validation ones are: "
                        "after the epoch, with BatchNormalization's moving statistics and without Dropout. That "
                        "removes both causes the tutorial names, and a model scores its own training images at "
                        "least as well as new ones.", principal="lead", short="training photographs scored as "
                        "validation"),
        statement=(
            "With the base frozen, validation accuracy sits above training accuracy: BatchNormalization and "
            "Dropout act only while training, and the training accuracy averages an epoch of a model still "
            "learning."
        ),
        source="TFT [O][P] (the 2019 version, TF 2.0 alpha)",
        book="val 0.9719 against training 0.9381 (epoch 10, 2019)",
        cites={"val_accuracy": Cite("TFT 2019", "model.fit, epoch 10", "printed"),
               "training_accuracy": Cite("TFT 2019", "model.fit, epoch 10", "printed")},
        numbers={"val_accuracy": 0.9719, "training_accuracy": 0.9381},
        bands={"lead": Band(low=0.0, label="validation minus training accuracy, last epoch with the base frozen")},
        at_book={"lead": lambda n: n["val_accuracy"] - n["training_accuracy"]},
        band_reason=(
            "The tutorial explains the order of the two curves, not their distance: the band asks for the sign, "
            "a validation accuracy at or above the training accuracy that fit reports for the frozen stage's last "
            "epoch, on average over seeds; the report gives the lead beside the book's."
        ),
    ),
)
