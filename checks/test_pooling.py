"""Section 4, pooling (DLwP1 5.1.2): max pooling against average pooling, strided convolution and none.

The claims, the recipe and the statistics are experiments/claims/pooling.py's.
"""

from __future__ import annotations

import pytest

from experiments import figures
from experiments.claims import pooling as recipe
from experiments.claims.pooling import TRAINING_IMAGES, final
from experiments.run import models
from experiments.run.training import train_all


@pytest.fixture(scope="module")
def downsampling_runs(downsampling_arrays, seeds, run_cache, progress) -> dict[str, list]:
    """{downsampling: runs over seeds}, every variant on the same images with the same budget."""
    return {downsampling: train_all([recipe.downsampling_spec(downsampling, seed) for seed in seeds],
                                    downsampling_arrays, run_cache, progress)
            for downsampling in models.DOWNSAMPLING}


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
    max_pooled, alternatives = downsampling_runs["max"], (downsampling_runs["average"], downsampling_runs["strides"])
    failed = evidence.judge_bands(evidence.claim.statistics(max_pooled, *alternatives))
    other_seed = evidence.claim.control.paired(max_pooled)
    evidence.judge_control(evidence.claim.statistics(max_pooled, other_seed, other_seed))
    record_setting(evidence, {v: downsampling_runs[v] for v in ("max", "average", "strides")})
    assert not failed, evidence.failure(failed)


@pytest.mark.slow
@pytest.mark.claim("pool.no_pool_is_worse")
def test_no_pooling_is_worse(downsampling_runs, evidence) -> None:
    pooled, unpooled = downsampling_runs["max"], downsampling_runs["none"]
    failed = evidence.judge_bands(evidence.claim.statistics(pooled, unpooled))
    evidence.judge_control(evidence.claim.statistics(pooled, evidence.claim.control.paired(pooled)))
    for variant, runs in (("max pooling", pooled), ("no pooling", unpooled)):
        dense = runs[0].model().layers[-2]
        evidence.measure(f"parameters of the Dense(64) after the conv base, {variant}", dense.count_params())
    record_setting(evidence, {"max": pooled, "none": unpooled})
    assert not failed, evidence.failure(failed)
