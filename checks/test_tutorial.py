"""Section 5, the TensorFlow tutorial's own experiment: MobileNetV2 with the base frozen, then fine-tuned from
layer 100, at the profiles that run it (the full one; the tiny one on stand-ins).

The claims, the recipe and the statistics are experiments/claims/tutorial.py's.
"""

from __future__ import annotations

import pytest

from experiments import figures
from experiments.claims import claim
from experiments.claims import tutorial as recipe
from experiments.data.arrays import Arrays
from experiments.data.splits import train_and_validation
from experiments.instruments.scores import binary_accuracy
from experiments.run.profiles import BOOK
from experiments.run.training import Run, train


@pytest.fixture(scope="module")
def tft_arrays(profile, request) -> Arrays:
    """The photographs at the tutorial's size, at a profile that runs the tutorial's MobileNetV2."""
    if not profile.tutorial_mobilenet_v2:
        pytest.skip(f"the {profile.name} profile does not run the tutorial's MobileNetV2: its ImageNet weights are "
                    f"not among the offline data, and its {claim('arch.tft.mobilenet_v2').numbers['base_total']:,} "
                    f"parameters at {BOOK.tutorial_size} px would take the CPU many minutes; the full "
                    "profile runs it")
    return train_and_validation(request.getfixturevalue("cats_vs_dogs_for_tft"))


@pytest.fixture(scope="module")
def tft_runs(tft_arrays, profile, seeds, run_cache, progress) -> tuple[list[Run], list[Run]]:
    """(frozen stage, fine-tuning stage) per seed."""
    frozen = [train(recipe.tft_spec(profile, seed), tft_arrays, run_cache, progress) for seed in seeds]
    tuned = [train(recipe.tft_spec(profile, seed, fine_tune=True), tft_arrays, run_cache, progress) for seed in seeds]
    return frozen, tuned


@pytest.mark.slow
@pytest.mark.claim("trans.tft")
def test_tutorial_mobilenet_v2(tft_runs, tft_arrays, profile, run_cache, evidence) -> None:
    book = evidence.claim.numbers
    frozen, tuned = tft_runs
    failed = evidence.judge_bands(evidence.claim.statistics(frozen, tuned))
    evidence.judge_control(evidence.claim.statistics(frozen, evidence.claim.control.paired(frozen)))
    evidence.measure("validation accuracy, last epoch of the frozen stage, per seed",
                     [r.history["val_accuracy"][-1] for r in frozen], book["val_accuracy"])
    evidence.measure("validation accuracy, last epoch of fine-tuning, per seed",
                     [r.history["val_accuracy"][-1] for r in tuned], book["fine_tuned_val_accuracy"])
    evidence.departure(f"Both stages validate on all {len(tft_arrays.y_val):,} validation photographs; the tutorial "
                       "set 200 of its 1,000 aside as a test set and validated on 800.")
    if profile.departs("tutorial_size", "tutorial_epochs"):
        evidence.departure(f"{profile.tutorial_size}×{profile.tutorial_size} images and {profile.tutorial_epochs} "
                           f"epochs a stage ({profile.name} profile), not the tutorial's "
                           f"{BOOK.tutorial_size} px and {BOOK.tutorial_epochs}.")
    evidence.departure("The model ends in a sigmoid trained with binary cross-entropy, where the tutorial's Dense(1) "
                       "emits a logit for BinaryCrossentropy(from_logits=True); Keras computes the loss from the same "
                       "logit.")
    evidence.note("fine_tune_at = 100, as the tutorial's code sets it; in Keras 3 that also freezes "
                  "block_11_expand_BN, one layer more than when the tutorial was printed (arch.tft.mobilenet_v2).")
    evidence.figure("The tutorial's two stages",
                    figures.training_curves({f"seed {f.spec.seed}": {k: f.history[k] + t.history[k] for k in f.history}
                                             for f, t in zip(frozen, tuned)}),
                    f"Epochs 1–{profile.tutorial_epochs} with the base frozen, Adam(1e-4); the next "
                    f"{profile.tutorial_epochs} with it unfrozen from layer 100, RMSprop(1e-5). Training solid, "
                    "validation dashed.")
    assert not failed, evidence.failure(failed)


@pytest.mark.slow
@pytest.mark.claim("trans.tft_val_above_train")
def test_validation_above_training_while_frozen(tft_runs, tft_arrays, run_cache, evidence) -> None:
    frozen, _ = tft_runs
    val_accuracy = [r.history["val_accuracy"][-1] for r in frozen]
    reported = [r.history["accuracy"][-1] for r in frozen]
    failed = evidence.judge_bands(evidence.claim.statistics(val_accuracy, reported))
    scored_as_validation = [binary_accuracy(r, tft_arrays.x_train, tft_arrays.y_train, run_cache) for r in frozen]
    evidence.judge_control(evidence.claim.statistics(val_accuracy, scored_as_validation))
    book = evidence.claim.numbers
    evidence.measure("validation accuracy, last epoch with the base frozen, per seed", val_accuracy, book["val_accuracy"])
    evidence.measure("training accuracy as fit reports it, the same epoch, per seed", reported,
                     book["training_accuracy"])
    evidence.measure("training accuracy, the photographs scored as validation is, per seed", scored_as_validation)
    assert not failed, evidence.failure(failed)
