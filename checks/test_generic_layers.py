"""Section 5, which layers to reuse (DLwP1 5.3): lower layers are generic, upper ones specific to their task.

The book argues it and trains nothing. Here a base learns one task and its
blocks move, one to all, to a task unlike it, on Fashion-MNIST's two halves:
the source is the six garments (T-shirt/top, trouser, pullover, dress, coat,
shirt; the 36,000 training images), the target the four other things (sandal,
sneaker, bag, ankle boot), with 1,000 training images, as small data as the
chapter's; the full profile reports a smaller target (200 images) beside, not
judged. The transferred blocks are frozen, as in feature extraction; the
blocks above them and the head are trained anew on the target.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from experiments import figures
from experiments.claims import claim
from experiments.curves import last_epochs_mean
from experiments.training import Arrays, TrainSpec, train

SOURCE_CLASSES = (0, 1, 2, 3, 4, 6)  # garments
TARGET_CLASSES = (5, 7, 8, 9)  # sandal, sneaker, bag, ankle boot
TARGET_TRAINING_IMAGES = 1_000  # judged
SOURCE_EPOCHS, TARGET_EPOCHS = 5, 20
TRANSFERRED = {"none (from scratch)": 0, "lowest block": 1, "lowest two blocks": 2, "all blocks": 3}


def classes_of(images, labels, classes) -> tuple[np.ndarray, np.ndarray]:
    """The images of ``classes``, labelled 0..len(classes)−1 in that order."""
    keep = np.isin(labels, classes)
    return images[keep], np.searchsorted(classes, labels[keep]).astype("uint8")


@pytest.fixture(scope="module")
def source(fashion_scaled) -> Arrays:
    (x, y), (x_test, y_test) = fashion_scaled
    return Arrays(*classes_of(x, y, SOURCE_CLASSES), *classes_of(x_test, y_test, SOURCE_CLASSES))


def target(fashion_scaled, images: int) -> Arrays:
    """``images`` training images of the target classes (a fixed stratified sample), all their test images to validate."""
    (x, y), (x_test, y_test) = fashion_scaled
    x, y = classes_of(x, y, TARGET_CLASSES)
    sample, _ = train_test_split(np.arange(len(x)), train_size=images, stratify=y, random_state=0)
    return Arrays(x[sample], y[sample], *classes_of(x_test, y_test, TARGET_CLASSES))


def base_spec(seed: int) -> TrainSpec:
    return TrainSpec(model="block_convnet", model_args={"classes": len(SOURCE_CLASSES)},
                     data="fashion_mnist/garments", loss="sparse_categorical_crossentropy",
                     epochs=SOURCE_EPOCHS, batch_size=32, seed=seed)


def target_runs(source, target: Arrays, seeds, run_cache, progress) -> dict[str, list]:
    """{blocks transferred: one target run per seed}, each from its seed's base, trained on the source."""
    def target_spec(blocks: int, seed: int) -> TrainSpec:
        return TrainSpec(model="block_convnet", model_args={"classes": len(TARGET_CLASSES), "frozen_blocks": blocks},
                         data=f"fashion_mnist/not_garments_{len(target.x_train)}", loss="sparse_categorical_crossentropy",
                         epochs=TARGET_EPOCHS, batch_size=32, seed=seed,
                         start_from=base_spec(seed) if blocks else None, start_from_layers=2 * blocks if blocks else None)

    return {name: [train(target_spec(blocks, seed), target, run_cache, progress, start_arrays=source) for seed in seeds]
            for name, blocks in TRANSFERRED.items()}


@pytest.fixture(scope="module")
def bases(source, seeds, run_cache, progress) -> list:
    return [train(base_spec(seed), source, run_cache, progress) for seed in seeds]


@pytest.fixture(scope="module")
def runs_by_target_size(fashion_scaled, source, bases, profile, seeds, run_cache, progress) -> dict[int, dict[str, list]]:
    """{target training images: runs by blocks transferred}: the judged 1,000, and the profile's smaller set beside
    (less for the target to learn its own lower layers from; the smoke profile leaves it out, for time)."""
    sizes = [TARGET_TRAINING_IMAGES]
    if profile.smaller_transfer_target:
        sizes.append(profile.smaller_transfer_target)
    return {images: target_runs(source, target(fashion_scaled, images), seeds, run_cache, progress) for images in sizes}


def final_accuracies(runs: dict[str, list]) -> dict[str, np.ndarray]:
    return {name: np.array([last_epochs_mean(run.history) for run in per_seed]) for name, per_seed in runs.items()}


@pytest.mark.slow
@pytest.mark.claim("trans.generic_lower_layers")
@pytest.mark.xfail(strict=True, reason=(
    "Neither half reproduces on Fashion-MNIST's two halves. With 1,000 target images the depth of the transfer "
    "barely matters, and the lowest block alone does worst: validation accuracy 0.939 with it, 0.950 with the lowest "
    "two, 0.942 with all three, 0.951 from scratch (means of seeds 0–2; the seeds' spread is about 0.01). With 200 "
    "images (the full profile's second target; measured at the smoke profile's settings too) every transfer helps "
    "and the whole base does no worse than its lowest block (0.933 and 0.932 against 0.927 from scratch; the lowest "
    "two, 0.941, do best). The garment classifier's upper blocks are not specific "
    "enough to hurt on shoes and bags: the two halves share their domain (centred grey silhouettes at 28×28), so "
    "this target does not differ enough from its source for the book's advice to show."
))
def test_lower_layers_transfer_to_an_unlike_task(runs_by_target_size, bases, evidence) -> None:
    the_claim = claim("trans.generic_lower_layers")
    accuracy = final_accuracies(runs_by_target_size[TARGET_TRAINING_IMAGES])
    failed = evidence.judge_bands(the_claim, {
        "target validation accuracy (last 5 epochs): lowest block transferred minus all blocks":
            accuracy["lowest block"] - accuracy["all blocks"],
        "target validation accuracy (last 5 epochs): lowest block transferred minus none":
            accuracy["lowest block"] - accuracy["none (from scratch)"],
    })
    for images, runs in runs_by_target_size.items():
        for name, values in final_accuracies(runs).items():
            evidence.measure(f"{images:,} target images, blocks transferred: {name}: validation accuracy (last 5 epochs), per seed",
                             np.round(values, 4))
    evidence.measure("base on the source (six garments): validation accuracy (last 5 epochs), per seed",
                     np.round([last_epochs_mean(run.history) for run in bases], 4))
    evidence.departure("The book argues this from VGG16 and ImageNet and trains nothing; the base here is a three-block "
                       f"convnet trained inside the suite on Fashion-MNIST's six garments ({SOURCE_EPOCHS} epochs), the "
                       f"target its other four classes ({TARGET_TRAINING_IMAGES:,} training images, {TARGET_EPOCHS} epochs).")
    for images, runs in runs_by_target_size.items():
        evidence.figure(f"Target validation accuracy by blocks transferred, {images:,} training images, every seed",
                        figures.curves_by_variant({name: [run.history for run in per_seed] for name, per_seed in runs.items()},
                                                  metric="val_accuracy"),
                        "Frozen blocks from the garment classifier, the rest trained on images of shoes and bags.")
    assert not failed, "trans.generic_lower_layers: " + "; ".join(failed)
