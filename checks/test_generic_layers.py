"""Section 5, which layers to reuse (DLwP1 5.3): lower layers are generic, upper ones specific to their task.

The claim, the source and targets, the recipes and the statistics are
experiments/claims/generic_layers.py's.
"""

from __future__ import annotations

import numpy as np
import pytest

from experiments import figures
from experiments.claims import generic_layers as recipe
from experiments.claims.curves import last_epochs_mean
from experiments.claims.generic_layers import (
    SIMILAR,
    SIMILAR_CLASSES,
    SIMILAR_TRAINING_IMAGES,
    TRANSFERRED,
)
from experiments.run.training import train


@pytest.fixture(scope="module")
def source(fashion_scaled):
    return recipe.garments(fashion_scaled)


def target_runs(profile, source, target, data: str, classes: int, seeds, run_cache, progress) -> dict[str, list]:
    """{blocks transferred: one target run per seed}, each from its seed's base, trained on the source."""
    return {name: [train(recipe.target_spec(profile, data, classes, blocks, seed), target, run_cache, progress,
                         start_arrays=source) for seed in seeds]
            for name, blocks in TRANSFERRED.items()}


@pytest.fixture(scope="module")
def bases(profile, source, seeds, run_cache, progress) -> list:
    return [train(recipe.base_spec(profile, seed), source, run_cache, progress) for seed in seeds]


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
        runs[SIMILAR] = target_runs(profile, source, recipe.similar_target(fashion_scaled),
                                    f"fashion_mnist/not_garments_{SIMILAR_TRAINING_IMAGES}", len(SIMILAR_CLASSES),
                                    seeds, run_cache, progress)
    return runs


@pytest.mark.slow
@pytest.mark.claim("trans.generic_lower_layers")
def test_lower_layers_transfer_to_an_unlike_task(runs_by_target, unlike, bases, cats_grey_train_val, profile,
                                                 run_cache, evidence) -> None:
    runs = runs_by_target[unlike]
    failed = evidence.judge_bands(evidence.claim.statistics(runs["lowest block"], runs))
    lowest = runs["lowest block"]  # against another seed of itself, in the place of the whole base and of none
    evidence.judge_control(evidence.claim.statistics(evidence.claim.control.paired(lowest), {
        "all blocks": lowest, "none (from scratch)": lowest}))
    for target, by_blocks in runs_by_target.items():
        for name, values in recipe.final_accuracies(by_blocks).items():
            evidence.measure(f"{target}, blocks transferred: {name}: validation accuracy (last 5 epochs), per seed",
                             np.round(values, 4))
    evidence.measure("base on the source (six garments): validation accuracy (last 5 epochs), per seed",
                     np.round([last_epochs_mean(run.history) for run in bases], 4))
    source_epochs, target_epochs = profile.lower_layers_epochs
    evidence.departure("The book argues this from VGG16 and ImageNet and trains nothing; the base here is a three-block "
                       f"convnet trained inside the suite on Fashion-MNIST's six garments ({source_epochs} epochs), the "
                       f"target the chapter's cats-vs-dogs photographs at the base's 28×28, in grey ({target_epochs} "
                       "epochs).")
    for target, by_blocks in runs_by_target.items():
        evidence.figure(f"Target validation accuracy by blocks transferred: {target}, every seed",
                        figures.curves_by_variant({name: [run.history for run in per_seed]
                                                   for name, per_seed in by_blocks.items()}, metric="val_accuracy"),
                        "Frozen blocks from the garment classifier, the rest trained on the target.")
    assert not failed, evidence.failure(failed)
