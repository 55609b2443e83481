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
from experiments.claims import claim
from experiments.curves import final_gap
from experiments.training import Arrays, TrainSpec, train

TRAINING_IMAGES = 10_000  # of the book split's 48,000: the unpooled model costs ten times the pooled one


@pytest.fixture(scope="module")
def downsampling_runs(fashion_book_split, fashion_test, seeds, run_cache, progress) -> dict[str, list]:
    """{downsampling: runs over seeds}, every variant on the same images with the same budget."""
    arrays = Arrays(fashion_book_split.x_train[:TRAINING_IMAGES], fashion_book_split.y_train[:TRAINING_IMAGES],
                    *fashion_test)
    return {
        downsampling: [
            train(TrainSpec(model="mnist_convnet", model_args={"downsampling": downsampling},
                            data=f"fashion_mnist/first {TRAINING_IMAGES:,} of the book split, test set as validation",
                            loss="sparse_categorical_crossentropy", epochs=5, batch_size=64, seed=seed,
                            optimizer="rmsprop"), arrays, run_cache, progress)
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


@pytest.mark.slow
@pytest.mark.claim("pool.max_vs_alternatives")
def test_max_pooling_beats_the_alternatives(downsampling_runs, evidence) -> None:
    the_claim = claim("pool.max_vs_alternatives")
    failed = evidence.judge_bands(the_claim, {
        f"over_{alternative}": final(downsampling_runs["max"]) - final(downsampling_runs[alternative])
        for alternative in ("average", "strides")})
    record_setting(evidence, {v: downsampling_runs[v] for v in ("max", "average", "strides")})
    assert not failed, "pool.max_vs_alternatives: " + "; ".join(failed)


@pytest.mark.slow
@pytest.mark.claim("pool.no_pool_is_worse")
@pytest.mark.xfail(strict=True, reason=(
    "Half of the claim does not reproduce at the book's budget: without pooling the model does overfit more, but "
    "its classifier on the full 22×22 maps (about two million parameters) also scores higher on validation after "
    "5 epochs. The book argues from the receptive field and never trains this model; on 28×28 Fashion-MNIST items "
    "the unpooled features are not less useful within 5 epochs."
))
def test_no_pooling_is_worse(downsampling_runs, evidence) -> None:
    the_claim = claim("pool.no_pool_is_worse")
    pooled, unpooled = downsampling_runs["max"], downsampling_runs["none"]
    failed = evidence.judge_bands(the_claim, {"accuracy_gain": final(pooled) - final(unpooled),
                                              "gap_growth": np.subtract([final_gap(r.history) for r in unpooled],
                                                                        [final_gap(r.history) for r in pooled])})
    for variant, runs in (("max pooling", pooled), ("no pooling", unpooled)):
        dense = runs[0].model().layers[-2]
        evidence.measure(f"parameters of the Dense(64) after the conv base, {variant}", dense.count_params())
    record_setting(evidence, {"max": pooled, "none": unpooled})
    assert not failed, "pool.no_pool_is_worse: " + "; ".join(failed)
