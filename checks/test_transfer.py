"""Section 5: a pretrained conv base on the small cats-vs-dogs set (DLwP1 5.3), and the mechanics (freezing, the
label range), which need no pretrained weights at all; the tutorial's MobileNetV2 is checks/test_tutorial.py's.

The claims, their recipes and statistics are experiments/claims/transfer.py's;
the base's features and which of its tensors moved are measured by
experiments/instruments/extraction.py. Every departure from the book is recorded.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from experiments import figures
from experiments.claims import claim
from experiments.claims import transfer as recipe
from experiments.claims.curves import last_epochs_mean
from experiments.data.arrays import Arrays
from experiments.data.splits import train_and_validation
from experiments.instruments.architecture import changed_tensors
from experiments.instruments.extraction import (
    FEATURE_BATCH,
    base_changes,
    extracted_features,
)
from experiments.instruments.scores import binary_accuracy
from experiments.run import models, pretrained
from experiments.run.identity import device_kind
from experiments.run.labels import LabelRangeError, answers_as_documented, framework_answer
from experiments.run.profiles import BOOK
from experiments.run.training import Run, mean_epoch_seconds, train

# --- trans.label_range --------------------------------------------------------------------

FIVE_CLASSES = np.arange(40) % 5  # labels 0..4, as five flower classes fed to the cats-vs-dogs model


def images(count: int, size: int = 32) -> np.ndarray:
    return np.random.default_rng(0).random((count, size, size, 3), dtype=np.float32)


@pytest.mark.claim("trans.label_range")
def test_what_the_framework_does_with_the_labels(evidence) -> None:
    """The notes' error, as TensorFlow gives it on the CPU; on a GPU what fit does instead is measured and shown.

    The claim's own guarantee is the suite's refusal (the next check), which
    holds on every device.
    """
    model = models.tfds_cnn(32, classes=2)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    device = device_kind()
    outcome, detail = framework_answer(model, images(40), FIVE_CLASSES)
    evidence.measure(f"Keras' answer on {device}", f"{outcome}: {detail}",
                     "refused: Received a label value of 4 which is outside the valid range of [0, 2)")
    evidence.note("With op determinism on (as in this suite) TensorFlow's deterministic kernel words the same "
                  "refusal as 'indices[i] = 3 is not in [0, 2)'; the notes' wording comes from the default kernel.")
    if device != "CPU":
        evidence.note(f"On {device} Keras {outcome} ({detail}): a GPU's gather does not check its indices, so "
                      "only the suite's own check (below) stands between such labels and a silent run.")
    assert answers_as_documented(device, outcome, detail, 2), (
        f"on the {device} Keras answered the labels 2..4 of a 2-unit head otherwise than documented "
        f"({'refused' if device == 'CPU' else 'trained, with a loss'}): {outcome}: {detail!r}")


@pytest.mark.claim("trans.label_range")
def test_suite_refuses_before_training_and_accepts_the_fix(run_cache, evidence) -> None:
    arrays = Arrays(images(40), FIVE_CLASSES, images(10), FIVE_CLASSES[:10])
    with pytest.raises(LabelRangeError) as refused:
        train(recipe.label_range_spec(head=2), arrays, run_cache)
    evidence.measure("the suite's refusal, Dense(2) head", str(refused.value),
                     "labels run 0..4 but the model's head has 2 units; use Dense(5)")
    fixed = train(recipe.label_range_spec(head=5), arrays, run_cache)
    evidence.measure("with Dense(5): epochs trained", fixed.epochs_run, 1)
    assert str(refused.value) == "labels run 0..4 but the model's head has 2 units; use Dense(5)", (
        f"the refusal reads {str(refused.value)!r}"
    )
    assert fixed.epochs_run == 1 and np.isfinite(fixed.history["loss"][0]), "Dense(5) did not train"


# --- trans.freeze -------------------------------------------------------------------------

@pytest.mark.claim("trans.freeze")
def test_frozen_base_is_untouched_by_training(evidence) -> None:
    book = claim("arch.dlwp1.vgg16_head").numbers
    base = pretrained.vgg16_base(48)  # (1, 1, 512): the freezing mechanics do not depend on the input size
    model = pretrained.vgg16_classifier(base)
    before_count = evidence.measure("trainable weight tensors, base trainable", len(model.trainable_weights),
                                    book["trainable_tensors_before"])
    base.trainable = False
    after_count = evidence.measure("trainable weight tensors, base frozen", len(model.trainable_weights),
                                   book["trainable_tensors_after"])

    base_before, head_before = base.get_weights(), [w.numpy() for w in model.trainable_weights]
    model.compile(optimizer=keras.optimizers.RMSprop(2e-5), loss="binary_crossentropy")
    model.fit(images(40, 48), np.arange(40) % 2, epochs=2, batch_size=20, verbose=0)
    base_changed = changed_tensors(base_before, base.get_weights())
    head_changed = changed_tensors(head_before, [w.numpy() for w in model.trainable_weights])
    evidence.measure("base weight tensors changed by training", len(base_changed), 0)
    evidence.measure("head weight tensors changed by training", len(head_changed), 4)
    evidence.departure("The base is VGG16 with random weights (weights=None) at 48×48 on random images: freezing is "
                       "a property of the layers, not of ImageNet's values, and needs no download.")
    want = (book["trainable_tensors_before"], book["trainable_tensors_after"])
    assert (before_count, after_count) == want, f"trainable tensors {before_count} → {after_count}, book {want[0]} → {want[1]}"
    assert not base_changed, f"training changed {len(base_changed)} of the frozen base's tensors"
    assert len(head_changed) == want[1], f"training changed {len(head_changed)} of the head's {want[1]} tensors"


# --- the pretrained base on cats vs dogs (DLwP1 5.3) -------------------------------------------

BASE_NAMES = {"vgg16": "VGG16", "mobilenet_0.25": "MobileNet (alpha 0.25)"}


def record_base(evidence, profile) -> None:
    evidence.note(f"Base: {BASE_NAMES[profile.transfer_base]}, ImageNet weights from Keras (verified by their "
                  f"published hash), input {profile.transfer_size}×{profile.transfer_size}.")
    if profile.departs("transfer_base"):
        parameters = pretrained.PRETRAINED_BASES[profile.transfer_base].build(profile.transfer_size).count_params()
        evidence.departure(
            f"{BASE_NAMES[profile.transfer_base]} instead of VGG16, whose 58 MB of ImageNet weights cannot be "
            f"downloaded offline: a real ImageNet-pretrained base with {parameters:,} parameters instead of "
            f"{claim('arch.dlwp1.vgg16_base').numbers['total']:,}, {profile.transfer_size}×{profile.transfer_size} "
            f"inputs (not {BOOK.transfer_size}×{BOOK.transfer_size}, to keep the section within its CPU budget) "
            "scaled to [-1, 1] as MobileNet was trained, and the top block it fine-tunes is its last stage "
            "(depthwise-separable blocks 12–13) instead of block5.",
            short=f"{BASE_NAMES[profile.transfer_base]} at {profile.transfer_size} px, not VGG16 at {BOOK.transfer_size} px",
        )


@pytest.fixture(scope="module")
def fast_extraction(profile, seeds, cats_vs_dogs_for_transfer, run_cache, progress) -> dict[str, tuple[list[Run], dict]]:
    """{"ImageNet" | "random": (runs over seeds, features)}: the book's head on features of either base."""
    found = {}
    for weights, imagenet in (("ImageNet", True), ("random", False)):
        features = extracted_features(profile, cats_vs_dogs_for_transfer, imagenet, run_cache)
        arrays = train_and_validation(features)
        runs = [train(recipe.extraction_head_spec(profile, arrays.x_train.shape[1:], weights, imagenet, seed), arrays,
                      run_cache, progress) for seed in seeds]
        found[weights] = (runs, features)
    return found


@pytest.fixture(scope="module")
def augmented_extraction_runs(profile, seeds, cats_vs_dogs_for_transfer, run_cache, progress) -> list[Run]:
    arrays = train_and_validation(cats_vs_dogs_for_transfer)
    return [train(recipe.augmented_extraction_spec(profile, seed), arrays, run_cache, progress) for seed in seeds]


@pytest.fixture(scope="module")
def fine_tuned_runs(profile, seeds, cats_vs_dogs_for_transfer, run_cache, progress) -> list[Run]:
    arrays = train_and_validation(cats_vs_dogs_for_transfer)
    return [train(recipe.augmented_extraction_spec(profile, seed, fine_tune=True), arrays, run_cache, progress)
            for seed in seeds]


@pytest.mark.slow
@pytest.mark.claim("trans.freeze")
def test_the_suites_own_runs_leave_the_frozen_base_as_published(augmented_extraction_runs, fine_tuned_runs, profile, run_cache,
                                                                 evidence) -> None:
    """The claim on the runs section 5 judges: after augmented extraction the base's every tensor (batch-norm
    statistics included) is the published file's, bit for bit; after fine-tuning, every tensor below the top
    block still is, and the top block moved."""
    top_block = pretrained.PRETRAINED_BASES[profile.transfer_base].top_block
    frozen_changed = [sum(base_changes(run, profile, run_cache)) for run in augmented_extraction_runs]
    lower_changed, top_changed = (list(part) for part in zip(*(base_changes(run, profile, run_cache)
                                                                for run in fine_tuned_runs)))
    evidence.measure("augmented extraction: base tensors that differ from the published weights, per seed",
                     frozen_changed, [0] * len(frozen_changed))
    evidence.measure(f"fine-tuning: tensors below {top_block} that differ from the published weights, per seed",
                     lower_changed, [0] * len(lower_changed))
    evidence.measure(f"fine-tuning: tensors from {top_block} on that training moved, per seed", top_changed)
    record_base(evidence, profile)
    assert not any(frozen_changed), f"the frozen base moved in the augmented extraction: {frozen_changed}"
    assert not any(lower_changed), f"fine-tuning moved the frozen lower base: {lower_changed}"
    assert all(top_changed), f"fine-tuning left the unfrozen top block unchanged: {top_changed}"


@pytest.mark.slow
@pytest.mark.claim("trans.feature_extraction")
def test_feature_extraction_beats_training_from_scratch(fast_extraction, plain_runs, profile, evidence) -> None:
    book = evidence.claim.numbers
    record_base(evidence, profile)
    imagenet, _ = fast_extraction["ImageNet"]
    random, _ = fast_extraction["random"]
    scratch = [last_epochs_mean(r.history) for r in plain_runs]
    failed = evidence.judge_bands(evidence.claim.statistics(imagenet, random, scratch))
    evidence.judge_control(evidence.claim.statistics(random, random, scratch))
    evidence.measure("validation accuracy (last 5 epochs), extraction, per seed",
                     [last_epochs_mean(r.history) for r in imagenet], book["val_accuracy"])
    evidence.measure("validation accuracy (last 5 epochs), from scratch (section 4), per seed", scratch,
                     book["scratch_val_accuracy"])
    evidence.departure(f"The from-scratch baseline is section 4's convnet ({profile.cats_size} px, "
                       f"{profile.small_data_epochs} epochs), on the same photographs; the book's is the same "
                       f"convnet at 150 px.")
    evidence.figure("Fast feature extraction: ImageNet weights and random weights",
                    figures.training_curves({f"{w} seed {r.spec.seed}": r.history
                                             for w in ("ImageNet", "random") for r in fast_extraction[w][0]},
                                            metrics=("accuracy",)),
                    "The book's head (Dense(256), Dropout(0.5), Dense(1)) on features computed once by the base. "
                    "Training solid, validation dashed. The random-weights base normalises each batch of "
                    f"{FEATURE_BATCH} photographs by its own statistics (with its initial ones it gives every "
                    "image the same features).")
    assert not failed, evidence.failure(failed)


@pytest.mark.slow
@pytest.mark.claim("trans.feature_extraction_aug")
def test_augmented_extraction_overfits_less(fast_extraction, augmented_extraction_runs, profile, evidence) -> None:
    record_base(evidence, profile)
    fast, _ = fast_extraction["ImageNet"]
    failed = evidence.judge_bands(evidence.claim.statistics(fast, augmented_extraction_runs))
    evidence.judge_control(evidence.claim.statistics(fast, evidence.claim.control.paired(fast)))
    evidence.measure("validation accuracy (last 5 epochs), augmented, per seed",
                     [last_epochs_mean(r.history) for r in augmented_extraction_runs], evidence.claim.numbers["val_accuracy"])
    if profile.departs("augmented_extraction_epochs"):
        evidence.departure(f"{profile.augmented_extraction_epochs} epochs, not {BOOK.augmented_extraction_epochs}, to keep the section within "
                           f"its CPU budget ({mean_epoch_seconds(augmented_extraction_runs):.1f} s an epoch at "
                           f"{profile.transfer_size} px where they were trained).",
                           short=f"{profile.augmented_extraction_epochs} epochs, not {BOOK.augmented_extraction_epochs}")
    evidence.departure("Augmentation by Keras preprocessing layers (rotation 40°, shifts 0.2, zoom 0.2, horizontal "
                       "flip) in front of the frozen base, instead of ImageDataGenerator; no shear (see section 4).")
    evidence.figure("End-to-end extraction with augmentation",
                    figures.training_curves({f"seed {r.spec.seed}": r.history for r in augmented_extraction_runs}),
                    "Frozen base, the book's augmentation, RMSprop(2e-5). Training solid, validation dashed.")
    assert not failed, evidence.failure(failed)


def record_fine_tuning_epochs(evidence, profile, fine_tuned_runs) -> None:
    """The departure of the fine-tuning runs that trans.fine_tuning and trans.fine_tuning_loss judge: their epochs."""
    if profile.departs("fine_tuning_epochs"):
        evidence.departure(f"{profile.fine_tuning_epochs} fine-tuning epochs, not {BOOK.fine_tuning_epochs}, to keep the section within "
                           f"its CPU budget ({mean_epoch_seconds(fine_tuned_runs):.1f} s an epoch at "
                           f"{profile.transfer_size} px where they were trained).",
                           short=f"{profile.fine_tuning_epochs} fine-tuning epochs, not {BOOK.fine_tuning_epochs}")


@pytest.mark.slow
@pytest.mark.claim("trans.fine_tuning")
def test_fine_tuning_the_top_block(fast_extraction, augmented_extraction_runs, fine_tuned_runs, plain_runs,
                                   cats_vs_dogs, cats_vs_dogs_for_transfer, profile, run_cache, evidence) -> None:
    record_base(evidence, profile)
    x_test, y_test = cats_vs_dogs_for_transfer["test"]
    frozen = [binary_accuracy(r, x_test, y_test, run_cache) for r in augmented_extraction_runs]
    tuned = [binary_accuracy(r, x_test, y_test, run_cache) for r in fine_tuned_runs]
    failed = evidence.judge_bands(evidence.claim.statistics(tuned, frozen))
    evidence.judge_control(evidence.claim.statistics(evidence.claim.control.paired(frozen), frozen))
    evidence.measure("test accuracy, frozen base (augmented extraction), per seed", frozen)
    evidence.measure("test accuracy, top block fine-tuned, per seed", tuned, evidence.claim.numbers["test_accuracy"])
    evidence.measure("trainable weight tensors while fine-tuning", len(fine_tuned_runs[0].model().trainable_weights))
    record_fine_tuning_epochs(evidence, profile, fine_tuned_runs)
    evidence.note("As in the book, the fine-tuned model is compared with the frozen model it started from, so its "
                  "gain includes that of the extra epochs of training.")

    # The chapter's progression (recipe.ARC), each approach on the test photographs: the report's headline.
    x_scratch, y_scratch = cats_vs_dogs["test"]
    fast, features = fast_extraction["ImageNet"]
    x_features, y_features = features["test"]
    test_accuracies = {
        "from scratch": [binary_accuracy(r, x_scratch, y_scratch, run_cache) for r in plain_runs],
        "fast feature extraction": [binary_accuracy(r, x_features, y_features, run_cache) for r in fast],
        "extraction with augmentation": frozen,
        "fine-tuning": tuned,
    }
    for stage, (claim_id, number) in recipe.ARC.items():
        evidence.measure(f"test accuracy, {stage}, per seed", test_accuracies[stage], claim(claim_id).numbers[number],
                         headline=(recipe.ARC_CHAPTER, stage, claim_id))
    evidence.figure("Fine-tuning the top block",
                    figures.training_curves({f"seed {r.spec.seed}": r.history for r in fine_tuned_runs}),
                    "Continuing from the augmented extraction model with the top block unfrozen, RMSprop(1e-5).")
    assert not failed, evidence.failure(failed)


@pytest.mark.slow
@pytest.mark.claim("trans.fine_tuning_loss")
def test_fine_tuning_loss_worsens_while_accuracy_holds(fine_tuned_runs, profile, evidence) -> None:
    failed = evidence.judge_bands(evidence.claim.statistics(fine_tuned_runs))
    evidence.judge_control(evidence.claim.statistics(fine_tuned_runs, split=""))
    for metric in ("val_loss", "val_accuracy", "loss"):
        evidence.measure(f"{metric}, first and last fine-tuning epoch, per seed",
                         [(round(r.history[metric][0], 4), round(r.history[metric][-1], 4)) for r in fine_tuned_runs])
    record_fine_tuning_epochs(evidence, profile, fine_tuned_runs)
    evidence.note("Judged on trans.fine_tuning's runs, whose curves its figure draws.")
    assert not failed, evidence.failure(failed)
