"""Section 4, evaluating and feeding a small model: K-fold validation (DLwP1 3.7) and standardisation (DLwP1 4.3).

The claims, the stand-in for Boston housing and the statistics are
experiments/claims/evaluation.py's.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.model_selection import KFold

from experiments import figures
from experiments.claims import evaluation as recipe
from experiments.claims.evaluation import FOLDS, RESHUFFLES, validation_mae
from experiments.data import datasets
from experiments.run.training import train


@pytest.fixture(scope="module")
def diabetes() -> tuple[np.ndarray, np.ndarray]:
    """(raw features (442, 10) float32, score / TARGET_SCALE (442,) float32)."""
    x, y = datasets.load_diabetes()
    return x.astype("float32"), (y / recipe.TARGET_SCALE).astype("float32")


def regression_run(arrays, name: str, seed: int, run_cache, progress):
    return train(recipe.regression_spec(arrays, name, seed), arrays, run_cache, progress)


@pytest.fixture(scope="module")
def fold_maes(diabetes, run_cache, progress) -> np.ndarray:
    """(RESHUFFLES, FOLDS) validation MAEs: row r is a 4-fold validation of the data shuffled with seed r."""
    x, y = diabetes
    maes = np.zeros((RESHUFFLES, FOLDS))
    for reshuffle in range(RESHUFFLES):
        folds = KFold(FOLDS, shuffle=True, random_state=reshuffle).split(x)
        for fold, (train_index, val_index) in enumerate(folds):
            run = regression_run(recipe.fold_arrays(x, y, train_index, val_index, standardise=True),
                                 f"reshuffle {reshuffle}, fold {fold} of {FOLDS}", reshuffle, run_cache, progress)
            maes[reshuffle, fold] = validation_mae(run)
    return maes


def record_stand_in(evidence) -> None:
    evidence.departure("scikit-learn's diabetes data (442 patients, 10 features, offline) instead of Boston housing "
                       f"(a download); the score is divided by {recipe.TARGET_SCALE:g} for training so that its scale "
                       "is that of Boston's prices, and MAEs are reported in the score's own units.")


@pytest.mark.slow
@pytest.mark.claim("over.kfold")
def test_kfold_estimate_is_steadier(fold_maes, evidence) -> None:
    book = evidence.claim.numbers
    hold_out = fold_maes[:, 0]  # the first fold alone: a 25% hold-out split of the shuffled data
    k_fold = fold_maes.mean(axis=1)
    failed = evidence.judge_bands(evidence.claim.statistics(k_fold, hold_out))
    evidence.judge_control(evidence.claim.statistics(fold_maes[:, 1], hold_out))  # another 25% hold-out split
    evidence.measure(f"hold-out MAE over {RESHUFFLES} reshuffles", hold_out.round(2))
    evidence.measure(f"{FOLDS}-fold mean MAE over the same reshuffles", k_fold.round(2))
    evidence.measure("fold MAEs of the first reshuffle (min, max, mean)",
                     [fold_maes[0].min().round(2), fold_maes[0].max().round(2), fold_maes[0].mean().round(2)],
                     [*book["fold_maes"], book["mean_mae"]])
    evidence.note(f"One ratio of two standard deviations, each over {RESHUFFLES} reshuffles (seeds 0–"
                  f"{RESHUFFLES - 1}, which also seed the training runs): the reshuffles are this claim's repetitions.")
    record_stand_in(evidence)
    evidence.figure("Hold-out and K-fold estimates over reshuffles",
                    figures.estimates_over_reshuffles({"hold-out (one fold)": hold_out, f"{FOLDS}-fold mean": k_fold},
                                                      "validation MAE"),
                    "Each reshuffle splits the same 442 patients differently; the K-fold estimate moves less.")
    assert not failed, evidence.failure(failed)


@pytest.mark.slow
@pytest.mark.claim("over.normalisation")
def test_standardised_features_train_better(diabetes, seeds, run_cache, progress, evidence) -> None:
    x, y = diabetes
    train_index, val_index = next(KFold(FOLDS, shuffle=True, random_state=0).split(x))
    arrays = {standardise: recipe.fold_arrays(x, y, train_index, val_index, standardise)
              for standardise in (True, False)}
    runs = {
        label: [regression_run(arrays[standardise], f"reshuffle 0, fold 0 of {FOLDS}{'' if standardise else ', raw'}",
                               seed, run_cache, progress) for seed in seeds]
        for label, standardise in (("standardised", True), ("raw", False))
    }
    failed = evidence.judge_bands(evidence.claim.statistics(runs["raw"], runs["standardised"]))
    evidence.judge_control(evidence.claim.statistics(evidence.claim.control.paired(runs["standardised"]),
                                                     runs["standardised"]))
    for label, per_seed in runs.items():
        evidence.measure(f"validation MAE, {label} features, per seed", np.round([validation_mae(r) for r in per_seed], 2))
    evidence.measure("feature ranges (min, max)", np.stack([x.min(axis=0), x.max(axis=0)], axis=1).round(1))
    record_stand_in(evidence)
    assert not failed, evidence.failure(failed)
