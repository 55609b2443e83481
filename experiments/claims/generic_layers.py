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
from sklearn.model_selection import train_test_split

from experiments.claims.bands import Band
from experiments.claims.base import Claim
from experiments.claims.controls import Control
from experiments.claims.curves import last_epochs_mean
from experiments.claims.recipe import TrainSpec
from experiments.data.arrays import Arrays

SOURCE_CLASSES = (0, 1, 2, 3, 4, 6)  # garments
SIMILAR_CLASSES = (5, 7, 8, 9)  # sandal, sneaker, bag, ankle boot
SIMILAR_TRAINING_IMAGES = 1_000
TRANSFERRED = {"none (from scratch)": 0, "lowest block": 1, "lowest two blocks": 2, "all blocks": 3}
SIMILAR = f"shoes and bags (Fashion-MNIST's other four classes, {SIMILAR_TRAINING_IMAGES:,} images)"


def classes_of(images, labels, classes) -> tuple[np.ndarray, np.ndarray]:
    """The images of ``classes``, labelled 0..len(classes)−1 in that order."""
    keep = np.isin(labels, classes)
    return images[keep], np.searchsorted(classes, labels[keep]).astype("uint8")


def garments(fashion_scaled) -> Arrays:
    """The source: Fashion-MNIST's six garments, all their training images, their test images to validate."""
    (x, y), (x_test, y_test) = fashion_scaled
    return Arrays(*classes_of(x, y, SOURCE_CLASSES), *classes_of(x_test, y_test, SOURCE_CLASSES))


def similar_target(fashion_scaled) -> Arrays:
    """SIMILAR_TRAINING_IMAGES of the other four classes (a fixed stratified sample), all their test images to validate."""
    (x, y), (x_test, y_test) = fashion_scaled
    x, y = classes_of(x, y, SIMILAR_CLASSES)
    sample, _ = train_test_split(np.arange(len(x)), train_size=SIMILAR_TRAINING_IMAGES, stratify=y, random_state=0)
    return Arrays(x[sample], y[sample], *classes_of(x_test, y_test, SIMILAR_CLASSES))


def base_spec(profile, seed: int) -> TrainSpec:
    """The base: the three-block convnet trained on the garments, Adam, batch 32, the profile's source epochs."""
    return TrainSpec(model="block_convnet", model_args={"classes": len(SOURCE_CLASSES)},
                     data="fashion_mnist/garments", loss="sparse_categorical_crossentropy",
                     epochs=profile.lower_layers_epochs[0], batch_size=32, seed=seed)


def target_spec(profile, data: str, classes: int, blocks: int, seed: int) -> TrainSpec:
    """A target run with the base's lowest ``blocks`` transferred and frozen (none: from scratch)."""
    return TrainSpec(model="block_convnet", model_args={"classes": classes, "frozen_blocks": blocks},
                     data=data, loss="sparse_categorical_crossentropy",
                     epochs=profile.lower_layers_epochs[1], batch_size=32, seed=seed,
                     start_from=base_spec(profile, seed) if blocks else None,
                     start_from_layers=2 * blocks if blocks else None)


def final_accuracies(runs: dict[str, list]) -> dict[str, np.ndarray]:
    return {name: np.array([last_epochs_mean(run.history) for run in per_seed]) for name, per_seed in runs.items()}


def lowest_against_the_others(lowest, runs: dict[str, list]) -> dict[str, np.ndarray]:
    """Per seed, by the id of trans.generic_lower_layers' band for each: ``lowest`` (the lowest block transferred,
    or its control) against ``runs``' whole base and none."""
    accuracy = final_accuracies({**runs, "lowest block": lowest})
    return {"lowest_over_all": accuracy["lowest block"] - accuracy["all blocks"],
            "lowest_over_none": accuracy["lowest block"] - accuracy["none (from scratch)"]}


ENTRIES = (
    Claim(
        id="trans.generic_lower_layers",
        kind="stochastic",
        statistics=lowest_against_the_others,
        control=Control("A/A", "Each seed's model with the lowest block transferred against the next seed's, in the "
                        "place of the models with all blocks and with none: what a change of seed alone gains.",
                        principal="lowest_over_all", short="between two seeds of one model"),
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
)
