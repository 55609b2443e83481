"""Section 4, evaluating and feeding a small model: K-fold validation and when to stop (DLwP1 3.7), and
standardisation (DLwP1 4.3).

The claims, the stand-in for Boston housing and the statistics are
experiments/claims/evaluation.py's.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.model_selection import KFold

from experiments import figures
from experiments.claims import claim
from experiments.claims import evaluation as recipe
from experiments.claims.evaluation import BATCH_SIZE, FOLDS, RESHUFFLES, validation_mae
from experiments.data import datasets
from experiments.run.profiles import BOOK
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


@pytest.fixture(scope="module")
def kfold_curve_runs(diabetes, profile, seeds, run_cache, progress) -> dict[int, list[list]]:
    """{batch size: per seed, the FOLDS runs of DLwP1 3.7's 500-epoch loop, each validated every epoch}: the data
    shuffled by the seed (seeds 0, 1, … are over.kfold's first reshuffles), in the book's batches of 1 and, for
    the negative control, in the final model's (BATCH_SIZE)."""
    numbers = claim("over.kfold_epochs").numbers
    if not profile.kfold_curve:
        pytest.skip(f"the {profile.name} profile does not run the K-fold curve: {FOLDS} folds a seed, each "
                    f"{BOOK.kfold_curve_epochs} epochs in batches of {numbers['batch_size']}, are more steps than all "
                    "of its other runs; the full profile runs it")
    x, y = diabetes

    def loop(seed: int, batch_size: int) -> list:
        folds = KFold(FOLDS, shuffle=True, random_state=seed).split(x)
        return [train(recipe.regression_spec(arrays, f"reshuffle {seed}, fold {fold} of {FOLDS}", seed,
                                             epochs=profile.kfold_curve_epochs, batch_size=batch_size, every_epoch=True),
                      arrays, run_cache, progress)
                for fold, arrays in enumerate(recipe.fold_arrays(x, y, t, v, standardise=True) for t, v in folds)]

    return {batch_size: [loop(seed, batch_size) for seed in seeds] for batch_size in (numbers["batch_size"], BATCH_SIZE)}


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
    evidence.departure(f"Each fold trains {recipe.EPOCHS} epochs in batches of {BATCH_SIZE}, the budget of the book's "
                       f"final model, where the book's K-fold loop trains {book['loop_epochs']} in batches of "
                       f"{book['loop_batch_size']}: {RESHUFFLES} reshuffles of {FOLDS} folds at that budget would "
                       "cost the CPU many minutes of single-example steps.")
    evidence.note(f"One ratio of two standard deviations, each over {RESHUFFLES} reshuffles (seeds 0–"
                  f"{RESHUFFLES - 1}, which also seed the training runs): the reshuffles are this claim's repetitions.")
    record_stand_in(evidence)
    evidence.figure("Hold-out and K-fold estimates over reshuffles",
                    figures.estimates_over_reshuffles({"hold-out (one fold)": hold_out, f"{FOLDS}-fold mean": k_fold},
                                                      "validation MAE"),
                    "Each reshuffle splits the same 442 patients differently; the K-fold estimate moves less.")
    assert not failed, evidence.failure(failed)


@pytest.mark.slow
@pytest.mark.claim("over.kfold_epochs")
def test_kfold_curve_stops_improving_at_the_turn(kfold_curve_runs, profile, evidence) -> None:
    numbers = evidence.claim.numbers
    book_loops, control_loops = kfold_curve_runs[numbers["batch_size"]], kfold_curve_runs[BATCH_SIZE]
    failed = evidence.judge_bands(evidence.claim.statistics(book_loops, numbers))
    evidence.judge_control(evidence.claim.statistics(control_loops, numbers))
    curves = {label: [recipe.smoothed_mean_curve(fold_runs, numbers) for fold_runs in loops]
              for label, loops in ((f"batches of {numbers['batch_size']}", book_loops), (f"batches of {BATCH_SIZE}", control_loops))}
    book_curves = curves[f"batches of {numbers['batch_size']}"]
    turn = book_curves[0][2]
    evidence.measure("epoch of the smoothed curve's lowest point, per seed",
                     [int(epochs[np.argmin(curve)]) for epochs, curve, _ in book_curves], numbers["turn_epoch"])
    evidence.measure(f"smoothed mean validation MAE at epoch {turn}, per seed",
                     [round(float(curve[epochs == turn][0]), 2) for epochs, curve, _ in book_curves])
    if profile.departs("kfold_curve_epochs"):
        evidence.departure(f"{profile.kfold_curve_epochs} epochs a fold ({profile.name} profile), not "
                           f"{BOOK.kfold_curve_epochs}: the turning epoch and the points left out scale with them "
                           f"(epoch {turn}).")
    record_stand_in(evidence)
    evidence.figure("The smoothed mean validation MAE of each seed's K-fold loop",
                    figures.curves({label: [(e, c) for e, c, _ in per_seed] for label, per_seed in curves.items()},
                                   "validation MAE (smoothed)", mark=(turn, f"epoch {turn}")),
                    "DLwP1 3.7's second figure: the folds' mean, its first epochs left out, smoothed; the book reads "
                    "its turn where the dashed line stands.")
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
