"""Section 5, which layers to reuse (DLwP1 5.3): lower layers are generic, upper ones specific to their task.

The book argues it and trains nothing. Here a base learns one task and its
blocks move, one to all, to a task unlike it. The source is Fashion-MNIST's six
garments (T-shirt/top, trouser, pullover, dress, coat, shirt; the 36,000
training images): centred grey silhouettes. The judged target is the chapter's
own small data, the 2,000 cats-vs-dogs photographs (validated on the 1,000),
brought to the base's input: 28×28 and grey. The transferred blocks are frozen,
as in feature extraction; the blocks above them and the head are trained anew
on the target. The full profile also lends the base to a target like its
source, Fashion-MNIST's four other classes (sandal, sneaker, bag, ankle boot;
1,000 training images), reported beside, not judged: there the book expects
the whole base to serve as well as its lowest block.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from experiments import figures
from experiments.curves import last_epochs_mean
from experiments.training import Arrays, TrainSpec, train, untrained

SOURCE_CLASSES = (0, 1, 2, 3, 4, 6)  # garments
SIMILAR_CLASSES = (5, 7, 8, 9)  # sandal, sneaker, bag, ankle boot
SIMILAR_TRAINING_IMAGES = 1_000
TRANSFERRED = {"none (from scratch)": 0, "lowest block": 1, "lowest two blocks": 2, "all blocks": 3}
SIMILAR = f"shoes and bags (Fashion-MNIST's other four classes, {SIMILAR_TRAINING_IMAGES:,} images)"


def classes_of(images, labels, classes) -> tuple[np.ndarray, np.ndarray]:
    """The images of ``classes``, labelled 0..len(classes)−1 in that order."""
    keep = np.isin(labels, classes)
    return images[keep], np.searchsorted(classes, labels[keep]).astype("uint8")


@pytest.fixture(scope="module")
def source(fashion_scaled) -> Arrays:
    (x, y), (x_test, y_test) = fashion_scaled
    return Arrays(*classes_of(x, y, SOURCE_CLASSES), *classes_of(x_test, y_test, SOURCE_CLASSES))


def similar_target(fashion_scaled) -> Arrays:
    """SIMILAR_TRAINING_IMAGES of the other four classes (a fixed stratified sample), all their test images to validate."""
    (x, y), (x_test, y_test) = fashion_scaled
    x, y = classes_of(x, y, SIMILAR_CLASSES)
    sample, _ = train_test_split(np.arange(len(x)), train_size=SIMILAR_TRAINING_IMAGES, stratify=y, random_state=0)
    return Arrays(x[sample], y[sample], *classes_of(x_test, y_test, SIMILAR_CLASSES))


def base_spec(profile, seed: int) -> TrainSpec:
    return TrainSpec(model="block_convnet", model_args={"classes": len(SOURCE_CLASSES)},
                     data="fashion_mnist/garments", loss="sparse_categorical_crossentropy",
                     epochs=profile.lower_layers_epochs[0], batch_size=32, seed=seed)


def target_runs(profile, source, target: Arrays, data: str, classes: int, seeds, run_cache, progress) -> dict[str, list]:
    """{blocks transferred: one target run per seed}, each from its seed's base, trained on the source."""
    def target_spec(blocks: int, seed: int) -> TrainSpec:
        return TrainSpec(model="block_convnet", model_args={"classes": classes, "frozen_blocks": blocks},
                         data=data, loss="sparse_categorical_crossentropy",
                         epochs=profile.lower_layers_epochs[1], batch_size=32, seed=seed,
                         start_from=base_spec(profile, seed) if blocks else None, start_from_layers=2 * blocks if blocks else None)

    return {name: [train(target_spec(blocks, seed), target, run_cache, progress, start_arrays=source) for seed in seeds]
            for name, blocks in TRANSFERRED.items()}


@pytest.fixture(scope="module")
def bases(profile, source, seeds, run_cache, progress) -> list:
    return [train(base_spec(profile, seed), source, run_cache, progress) for seed in seeds]


@pytest.fixture(scope="module")
def unlike(cats_grey_train_val) -> str:
    """The judged target, by name: its photographs are the profile's."""
    return f"cats and dogs ({len(cats_grey_train_val.y_train):,} photographs, grey, 28×28)"


@pytest.fixture(scope="module")
def runs_by_target(unlike, cats_grey_train_val, fashion_scaled, source, bases, profile, seeds, run_cache,
                   progress) -> dict[str, dict[str, list]]:
    """{target: runs by blocks transferred}: the judged unlike target, and the profile's similar one beside
    (the smoke profile leaves it out, for time)."""
    runs = {unlike: target_runs(profile, source, cats_grey_train_val, "cats_vs_dogs_small/28px_grey", 2, seeds, run_cache,
                                progress)}
    if profile.similar_transfer_target:
        runs[SIMILAR] = target_runs(profile, source, similar_target(fashion_scaled),
                                    f"fashion_mnist/not_garments_{SIMILAR_TRAINING_IMAGES}", len(SIMILAR_CLASSES),
                                    seeds, run_cache, progress)
    return runs


def final_accuracies(runs: dict[str, list]) -> dict[str, np.ndarray]:
    return {name: np.array([last_epochs_mean(run.history) for run in per_seed]) for name, per_seed in runs.items()}


@pytest.mark.slow
@pytest.mark.claim("trans.generic_lower_layers")
def test_lower_layers_transfer_to_an_unlike_task(runs_by_target, unlike, bases, cats_grey_train_val, profile,
                                                 run_cache, evidence) -> None:
    runs = runs_by_target[unlike]

    def lowest_against_the_others(lowest) -> dict[str, np.ndarray]:
        accuracy = final_accuracies({**runs, "lowest block": lowest})
        return {"lowest_over_all": accuracy["lowest block"] - accuracy["all blocks"],
                "lowest_over_none": accuracy["lowest block"] - accuracy["none (from scratch)"]}

    failed = evidence.judge_bands(lowest_against_the_others(runs["lowest block"]))
    evidence.judge_control(lowest_against_the_others([untrained(r, cats_grey_train_val, run_cache)
                                                          for r in runs["lowest block"]]))
    for target, runs in runs_by_target.items():
        for name, values in final_accuracies(runs).items():
            evidence.measure(f"{target}, blocks transferred: {name}: validation accuracy (last 5 epochs), per seed",
                             np.round(values, 4))
    evidence.measure("base on the source (six garments): validation accuracy (last 5 epochs), per seed",
                     np.round([last_epochs_mean(run.history) for run in bases], 4))
    source_epochs, target_epochs = profile.lower_layers_epochs
    evidence.departure("The book argues this from VGG16 and ImageNet and trains nothing; the base here is a three-block "
                       f"convnet trained inside the suite on Fashion-MNIST's six garments ({source_epochs} epochs), the "
                       f"target the chapter's cats-vs-dogs photographs at the base's 28×28, in grey ({target_epochs} "
                       "epochs).")
    for target, runs in runs_by_target.items():
        evidence.figure(f"Target validation accuracy by blocks transferred: {target}, every seed",
                        figures.curves_by_variant({name: [run.history for run in per_seed] for name, per_seed in runs.items()},
                                                  metric="val_accuracy"),
                        "Frozen blocks from the garment classifier, the rest trained on the target.")
    assert not failed, evidence.failure(failed)
