"""Section 4, pooling (DLwP1 5.1.2): max pooling against average pooling, strided convolution and none.

DLwP1 5.1's MNIST convnet, trained the book's way (RMSprop, batch 64, 5
epochs) with each way of downsampling. MNIST cannot be downloaded offline, so
the stand-in is Fashion-MNIST: the same 28×28 grey images and ten classes,
harder, so differences between the variants have room to show.
"""

from __future__ import annotations

import numpy as np
import pytest

from experiments import figures, models
from experiments.curves import final_gap
from experiments.training import Arrays, TrainSpec, train, untrained

TRAINING_IMAGES = 10_000  # of the book split's 48,000: the unpooled model costs ten times the pooled one


@pytest.fixture(scope="module")
def downsampling_arrays(fashion_book_split, fashion_test) -> Arrays:
    """The first TRAINING_IMAGES of the book split to train on, the test set to validate on, as DLwP1 5.1."""
    return Arrays(fashion_book_split.x_train[:TRAINING_IMAGES], fashion_book_split.y_train[:TRAINING_IMAGES],
                  *fashion_test)


@pytest.fixture(scope="module")
def downsampling_runs(downsampling_arrays, seeds, run_cache, progress) -> dict[str, list]:
    """{downsampling: runs over seeds}, every variant on the same images with the same budget."""
    return {
        downsampling: [
            train(TrainSpec(model="mnist_convnet", model_args={"downsampling": downsampling},
                            data=f"fashion_mnist/first {TRAINING_IMAGES:,} of the book split, test set as validation",
                            loss="sparse_categorical_crossentropy", epochs=5, batch_size=64, seed=seed,
                            optimizer="rmsprop"), downsampling_arrays, run_cache, progress)
            for seed in seeds
        ]
        for downsampling in models.DOWNSAMPLING
    }


def final(runs, metric: str = "val_accuracy") -> np.ndarray:
    return np.array([r.history[metric][-1] for r in runs])


def record_setting(evidence, runs_by_variant) -> None:
    evidence.departure(f"Fashion-MNIST instead of MNIST (not downloadable offline), {TRAINING_IMAGES:,} training "
                       "images instead of 60,000, the 10,000 test images as validation data as in DLwP1 5.1.")
    for variant, runs in runs_by_variant.items():
        evidence.measure(f"validation accuracy after 5 epochs, {variant}, per seed", final(runs))
    evidence.figure("Validation accuracy by downsampling",
                    figures.training_curves({f"{v} seed {runs[0].spec.seed}": runs[0].history
                                             for v, runs in runs_by_variant.items()}, metrics=("accuracy",)),
                    "DLwP1 5.1's convnet with each way of downsampling, first seed; training solid, validation dashed.")


@pytest.fixture(scope="module")
def untrained_max_pooling(downsampling_runs, downsampling_arrays, run_cache) -> list:
    """The negative control of both claims: the max-pooling convnets as training received them."""
    return [untrained(run, downsampling_arrays, run_cache) for run in downsampling_runs["max"]]


@pytest.mark.slow
@pytest.mark.claim("pool.max_vs_alternatives")
def test_max_pooling_beats_the_alternatives(downsampling_runs, untrained_max_pooling, evidence) -> None:
    def margins(max_pooled) -> dict[str, np.ndarray]:
        return {f"over_{alternative}": final(max_pooled) - final(downsampling_runs[alternative])
                for alternative in ("average", "strides")}

    failed = evidence.judge_bands(margins(downsampling_runs["max"]))
    evidence.judge_control(margins(untrained_max_pooling))
    record_setting(evidence, {v: downsampling_runs[v] for v in ("max", "average", "strides")})
    assert not failed, evidence.failure(failed)


@pytest.mark.slow
@pytest.mark.claim("pool.no_pool_is_worse")
def test_no_pooling_is_worse(downsampling_runs, untrained_max_pooling, evidence) -> None:
    unpooled = downsampling_runs["none"]

    def against_no_pooling(pooled) -> dict[str, np.ndarray]:
        return {"accuracy_gain": final(pooled) - final(unpooled),
                "gap_growth": np.subtract([final_gap(r.history) for r in unpooled], [final_gap(r.history) for r in pooled])}

    pooled = downsampling_runs["max"]
    failed = evidence.judge_bands(against_no_pooling(pooled))
    evidence.judge_control(against_no_pooling(untrained_max_pooling))
    for variant, runs in (("max pooling", pooled), ("no pooling", unpooled)):
        dense = runs[0].model().layers[-2]
        evidence.measure(f"parameters of the Dense(64) after the conv base, {variant}", dense.count_params())
    record_setting(evidence, {"max": pooled, "none": unpooled})
    assert not failed, evidence.failure(failed)
