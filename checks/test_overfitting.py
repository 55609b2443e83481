"""Section 4: overfitting on 2,000 photographs (DLwP1 5.2), and its cure by augmentation and dropout; the study
notes' 160-px CNN, whose validation accuracy stalls.

The claims, their recipe (the from-scratch convnet, plain and cured; the notes'
CNN) and their statistics are experiments/claims/overfitting.py's; the book's
runs are checks/conftest.py's.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from experiments import figures
from experiments.claims import claim
from experiments.claims import overfitting as recipe
from experiments.claims.curves import final_gap, last_epochs_mean
from experiments.data.arrays import Arrays
from experiments.data.splits import centred, train_and_validation
from experiments.run import models
from experiments.run.profiles import BOOK
from experiments.run.training import mean_epoch_seconds, train


def record_departures(evidence, profile, runs) -> None:
    if profile.departs("cats_size"):
        evidence.departure(f"Images resized to {profile.cats_size}×{profile.cats_size}, not {BOOK.cats_size}×"
                           f"{BOOK.cats_size}, so that a CPU trains an epoch in seconds ({mean_epoch_seconds(runs):.1f} "
                           "s where these runs were trained); the model keeps its layers, with a smaller Flatten.",
                           short=f"{profile.cats_size} px, not {BOOK.cats_size} px")
    if profile.departs("small_data_epochs"):
        evidence.departure(
            f"{profile.small_data_epochs} epochs, not {BOOK.small_data_epochs}: at {profile.cats_size} px the model "
            "learns more slowly and its validation loss turns far later than the book's (the epoch of its minimum is "
            f"measured above), so {BOOK.small_data_epochs} epochs would end before the rise the claim is about. The "
            "bands were fixed before the first run and are unchanged.",
            short=f"{profile.small_data_epochs} epochs, not {BOOK.small_data_epochs}",
        )
    evidence.departure("Images are resized bilinearly; flow_from_directory's default was nearest-neighbour.")


@pytest.mark.slow
@pytest.mark.claim("over.small_data")
def test_small_data_overfits(plain_runs, augmented_convnet_runs, profile, evidence) -> None:
    book = evidence.claim.numbers
    record_departures(evidence, profile, plain_runs)
    failed = evidence.judge_bands(evidence.claim.statistics(plain_runs))
    evidence.judge_control(evidence.claim.statistics(augmented_convnet_runs))
    evidence.measure("epoch of minimum validation loss, per seed", [r.best_epoch for r in plain_runs],
                     book["min_val_loss_epoch"])
    evidence.measure("final validation accuracy, per seed", [r.history["val_accuracy"][-1] for r in plain_runs],
                     book["final_val_accuracy"])
    evidence.figure("Training and validation, plain convnet",
                    figures.training_curves({f"seed {r.spec.seed}": r.history for r in plain_runs}),
                    "The book's two plots: training (solid) runs away from validation (dashed).")
    assert not failed, evidence.failure(failed)


@pytest.mark.slow
@pytest.mark.claim("over.augmentation")
def test_augmentation_and_dropout_stop_the_overfitting(plain_runs, augmented_convnet_runs, profile, evidence) -> None:
    failed = evidence.judge_bands(evidence.claim.statistics(plain_runs, augmented_convnet_runs))
    evidence.judge_control(evidence.claim.statistics(plain_runs, evidence.claim.control.paired(plain_runs)))
    evidence.measure("augmented: validation accuracy (last 5 epochs), per seed",
                     np.round([last_epochs_mean(r.history) for r in augmented_convnet_runs], 3),
                     evidence.claim.numbers["val_accuracy"])
    evidence.measure("plain: validation accuracy (last 5 epochs), per seed",
                     np.round([last_epochs_mean(r.history) for r in plain_runs], 3))
    evidence.measure("augmented: epoch of minimum validation loss, per seed",
                     [r.best_epoch for r in augmented_convnet_runs])
    evidence.measure("augmented: final training − validation accuracy, per seed",
                     np.round([final_gap(r.history) for r in augmented_convnet_runs], 3))
    record_departures(evidence, profile, plain_runs)
    if profile.departs("augmentation_interpolation"):
        evidence.departure(
            f"The augmentation layers resample by {profile.augmentation_interpolation} neighbour, not "
            f"{BOOK.augmentation_interpolation}ly as ImageDataGenerator did. Keras' layers resample once each, three "
            "times in a row, and at 64 px that blurs every training image: with bilinear resampling the model learnt "
            "the blurred images and called most of the sharp validation images dogs, while any one resampling layer "
            "alone, applied to the validation images, restored much of the accuracy. Nearest-neighbour resampling "
            "does not blur."
        )
    evidence.figure("Training and validation, augmentation and dropout",
                    figures.training_curves({f"seed {r.spec.seed}": r.history for r in augmented_convnet_runs}),
                    "The book's two plots for the second model: the curves stay together, validation loss keeps falling.")
    assert not failed, evidence.failure(failed)


@pytest.mark.claim("over.no_val_augmentation")
def test_augmentation_acts_only_in_training(cats_vs_dogs, profile, evidence) -> None:
    x_val = cats_vs_dogs["validation"][0][:32]
    augmentation = keras.Sequential(models.book_augmentation())
    inference = keras.ops.convert_to_numpy(augmentation(x_val, training=False))
    training = keras.ops.convert_to_numpy(augmentation(x_val, training=True))
    identical = evidence.measure("augmentation layers at inference: output equals input", bool(np.array_equal(inference, x_val)), True)
    changed = evidence.measure("augmentation layers in training: images changed", float(np.mean(np.any(training != x_val, axis=(1, 2, 3)))), 1.0)

    # The whole model: with the augmentation in front, prediction and evaluation see the plain images.
    augmented = models.cats_dogs_convnet(profile.cats_size, dropout=True, augment=True)
    plain = models.cats_dogs_convnet(profile.cats_size, dropout=True)
    plain.set_weights(augmented.get_weights())
    same = evidence.measure("augmented model predicts as the same weights without augmentation",
                            bool(np.array_equal(augmented.predict(x_val, verbose=0), plain.predict(x_val, verbose=0))), True)
    assert identical, "the augmentation layers change images at inference"
    assert changed > 0.9, f"training-mode augmentation changed only {changed:.0%} of the images"
    assert same, "the augmented model's validation predictions differ from its plain twin's"


@pytest.fixture(scope="module")
def notes_cnn_runs(profile, seeds, run_cache, progress, request) -> tuple[list, Arrays]:
    """The notes' CNN, once per seed, on the photographs at the tutorial's size scaled to [-1, 1] as the notes do;
    and those photographs."""
    if not profile.notes_cnn:
        pytest.skip(f"the {profile.name} profile does not train the notes' CNN: its "
                    f"{claim('arch.tfds.cnn160').numbers['total']:,} parameters at {BOOK.tutorial_size} px for "
                    f"{BOOK.notes_cnn_epochs} epochs a seed would take the CPU many minutes; the full profile trains it")
    arrays = centred(train_and_validation(request.getfixturevalue("cats_vs_dogs_for_tft")))
    return [train(recipe.notes_cnn_spec(profile, seed), arrays, run_cache, progress) for seed in seeds], arrays


@pytest.mark.slow
@pytest.mark.claim("over.notes_cnn_stall")
def test_notes_cnn_validation_stalls(notes_cnn_runs, profile, evidence) -> None:
    book = evidence.claim.numbers
    runs, arrays = notes_cnn_runs
    training = [run.history["accuracy"] for run in runs]
    validation = [run.history["val_accuracy"] for run in runs]
    failed = evidence.judge_bands(evidence.claim.statistics(training, validation))
    evidence.judge_control(evidence.claim.statistics(evidence.claim.control.paired(validation), validation))
    evidence.measure("highest validation accuracy, per seed", [max(curve) for curve in validation], book["val_level"])
    evidence.measure("training accuracy, first and last epoch, per seed", [(curve[0], curve[-1]) for curve in training])
    evidence.departure(
        f"{len(arrays.y_train):,} of DLwP1 5.2's photographs to train and {len(arrays.y_val):,} to validate, instead "
        "of the 80% and 10% of TFDS's cats_vs_dogs that the notes split off (a download the suite does not make): "
        "far fewer training photographs than the notes', whose level is therefore shown, not judged.",
        short="the book's 2,000 photographs, not TFDS's")
    evidence.departure("Batch 32: the notes print none; the 2019 tutorial whose pipeline they follow batches 32.")
    if profile.departs("tutorial_size", "notes_cnn_epochs"):
        evidence.departure(f"{profile.tutorial_size}×{profile.tutorial_size} images and {profile.notes_cnn_epochs} "
                           f"epochs ({profile.name} profile), not the notes' {BOOK.tutorial_size} px and "
                           f"{BOOK.notes_cnn_epochs}.")
    evidence.figure("Training and validation, the notes' CNN",
                    figures.training_curves({f"seed {r.spec.seed}": r.history for r in runs}),
                    "The notes' observation: training (solid) climbs, validation (dashed) stalls and swings.")
    assert not failed, evidence.failure(failed)
