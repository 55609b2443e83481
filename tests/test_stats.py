"""Judging a statistic over seeds against its band."""

import pytest

from experiments.claims.bands import Band
from experiments.judge.stats import judge, t_quantile


@pytest.mark.parametrize(
    "band, inside, outside",
    [(Band(0.9, 0.95), [0.9, 0.93, 0.95], [0.89, 0.96]), (Band(low=2.0), [2.0, 50.0], [1.99]), (Band(high=19), [3, 19], [20])],
)
def test_band_contains(band, inside, outside):
    assert all(band.contains(v) for v in inside)
    assert not any(band.contains(v) for v in outside)


def test_band_needs_an_end_and_order():
    with pytest.raises(ValueError):
        Band()
    with pytest.raises(ValueError):
        Band(2, 1)


def around(mean: float, sd: float) -> list[float]:
    """Three seeds with this mean and sample standard deviation."""
    return [mean - sd, mean, mean + sd]


def test_the_mean_is_judged_with_the_spread_reported():
    judgement = judge("val accuracy", [0.92, 0.925, 0.93], Band(0.91, 0.935))
    assert judgement.mean == pytest.approx(0.925)
    assert judgement.spread == pytest.approx(0.005)
    assert judgement.describe() == "val accuracy: mean 0.925 ± 0.005 over 3 seeds (0.92, 0.925, 0.93); band [0.91, 0.935]"


@pytest.mark.parametrize("per_seed, band, outcome", [
    ([0.30, 0.32, 0.31], Band(low=0.0), "holds"),  # clearly inside
    ([-0.30, -0.32, -0.31], Band(low=0.0), "fails"),  # clearly outside
    ([0.90, 0.92, 0.94], Band(0.91, 0.935), "inconclusive"),  # one seed below the band, the mean inside: a tie
    ([0.80, 0.85, 0.95], Band(0.91, 0.935), "inconclusive"),  # the mean below, but the seeds spread over the edge
    ([0.80, 0.81, 0.82], Band(0.91, 0.935), "fails"),
    ([0.5], Band(low=0.4), "inconclusive"),  # one seed of a statistic that varies: no spread to bound it by
])
def test_holds_fails_or_inconclusive(per_seed, band, outcome):
    assert judge("s", per_seed, band).outcome == outcome


@pytest.mark.parametrize("claim_id, mean, sd, band", [  # the smoke run of 2026-12-01, as filed
    ("pool.max_vs_alternatives", 0.0001, 0.0086, Band(low=0.0)),
    ("over.normalisation", 1.0115, 0.0157, Band(low=1.0)),
    ("trans.fine_tuning", 0.0063, 0.0095, Band(low=0.0)),
    ("trans.feature_extraction", 0.1126, 0.0187, Band(low=0.10)),
    ("train.hg.fashion_accuracy", 0.9149, 0.0033, Band(0.910, 0.935)),
])
def test_the_filed_ties_are_inconclusive_at_95_percent(claim_id, mean, sd, band):
    judgement = judge(claim_id, around(mean, sd), band)
    assert judgement.outcome == "inconclusive", judgement.explain()
    assert judge(claim_id, around(mean, sd), band, confidence=0.6).outcome != "fails"


def test_seeds_to_settle_is_the_fewest_that_clear_the_edge():
    judgement = judge("d", around(0.1126, 0.0187), Band(low=0.10))
    n = judgement.seeds_to_settle
    assert n is not None and n > 3
    assert t_quantile(0.95, n) * 0.0187 / n ** 0.5 < 0.0126 <= t_quantile(0.95, n - 1) * 0.0187 / (n - 1) ** 0.5
    assert f"{n} seeds would settle it (--seeds {n})" in judgement.explain()
    on_the_edge = judge("d", [-0.01, 0.0, 0.01], Band(low=0.0))
    assert on_the_edge.seeds_to_settle is None and "no number of seeds" in on_the_edge.explain()
    with pytest.raises(ValueError, match="holds, nothing to settle"):
        judge("d", [0.30, 0.32, 0.31], Band(low=0.0)).seeds_to_settle


def test_a_statistic_fixed_by_construction_is_judged_on_every_value():
    bound = Band(high=1.0, exact="the initialiser draws inside its bound")
    assert judge("w", [0.97, 0.99, 1.0], bound).outcome == "holds"
    assert judge("w", [0.97, 1.01, 0.9], bound).outcome == "fails"  # one value past a bound is a broken bound
    assert judge("w", [0.97], bound).outcome == "holds"
    assert "judged exactly (the initialiser draws inside its bound)" in judge("w", [0.97], bound).explain()


def test_confidence_must_be_a_probability_above_a_half():
    with pytest.raises(ValueError, match="confidence 1.2"):
        judge("s", [1.0, 2.0], Band(low=0), confidence=1.2)


def test_single_seed_has_no_spread_and_no_seeds_is_an_error():
    assert judge("x", [1.0], Band(low=0)).spread == 0.0
    with pytest.raises(ValueError):
        judge("x", [], Band(low=0))


def test_judge_bands_records_every_band_and_returns_the_failed_ones():
    from experiments.claims import claim
    from experiments.judge.evidence import Evidence

    the_claim = claim("pool.no_pool_is_worse")
    accuracy, gap = the_claim.bands["accuracy_gain"], the_claim.bands["gap_growth"]
    evidence = Evidence(the_claim)
    failed = evidence.judge_bands({"accuracy_gain": [-0.02, -0.03, -0.025], "gap_growth": [0.04, 0.05, 0.045]})
    assert [(m["band_id"], m["quantity"]) for m in evidence.measured] == [("accuracy_gain", accuracy.label),
                                                                            ("gap_growth", gap.label)]
    assert len(failed) == 1 and failed[0].startswith(f"{accuracy.label}: mean -0.025")
    assert evidence.inconclusive() == []
    evidence.judge_bands({"accuracy_gain": [-0.01, 0.0, 0.011], "gap_growth": [0.04, 0.05, 0.045]})
    assert evidence.inconclusive() == [judge(accuracy.label, [-0.01, 0.0, 0.011], accuracy).explain()]
    with pytest.raises(ValueError, match="do not match its bands"):
        evidence.judge_bands({"accuracy_gain": [0.1]})


def test_rewording_or_reordering_the_bands_changes_no_verdict():
    """A check names its bands by id: relabelled and reversed, the catalogue's bands judge the same values alike."""
    import dataclasses

    from experiments.claims import CATALOGUE
    from experiments.judge.evidence import Evidence

    rng = __import__("numpy").random.default_rng(0)
    for the_claim in (c for c in CATALOGUE if c.bands):
        values = {band_id: list(rng.normal(band.low if band.low is not None else band.high, 0.05, 3))
                  for band_id, band in the_claim.bands.items()}
        reworded = dataclasses.replace(the_claim, bands={
            band_id: dataclasses.replace(band, label=f"reworded: {band.label[::-1]}")
            for band_id, band in reversed(list(the_claim.bands.items()))})
        original, changed = Evidence(the_claim), Evidence(reworded)
        original.judge_bands(values)
        changed.judge_bands(values)
        outcomes = {m["band_id"]: m["outcome"] for m in original.measured}
        assert {m["band_id"]: m["outcome"] for m in changed.measured} == outcomes, the_claim.id


def test_identical_seeds_of_a_varying_statistic_are_an_error_unless_the_band_or_control_says_why():
    from experiments.judge.stats import IdenticalSeeds

    with pytest.raises(IdenticalSeeds, match="0.5 on every one of 3 seeds"):
        judge("s", [0.5, 0.5, 0.5], Band(low=0.4))
    assert judge("s", [0.5, 0.5, 0.5], Band(low=0.4), constant="nothing varies without the cause").outcome == "holds"
    assert judge("s", [0.3, 0.3, 0.3], Band(low=0.4, exact="a bound by arithmetic")).outcome == "fails"


@pytest.mark.parametrize("broken", [float("nan"), float("inf"), -float("inf")])
def test_a_value_that_is_not_a_number_is_an_error_naming_its_seed(broken):
    from experiments.judge.stats import Unjudgeable

    with pytest.raises(Unjudgeable, match=rf"not a number on seed 1: {broken}"):
        judge("val accuracy", [0.9, broken, 0.91], Band(0.9, 0.95))


def test_one_value_from_many_repetitions_is_judged_by_its_bootstrap():
    from experiments.judge.stats import judge_resampled

    rng = __import__("numpy").random.default_rng(0)
    tight = judge_resampled("ratio", 0.3, rng.normal(0.3, 0.05, 2_000), Band(high=0.8), "10 reshuffles")
    assert tight.outcome == "holds" and "bootstrap percentile interval" in tight.explain()
    low, high = tight.interval
    assert 0.2 < low < 0.3 < high < 0.4
    wide = judge_resampled("ratio", 0.7, rng.normal(0.7, 0.3, 2_000), Band(high=0.8), "10 reshuffles")
    assert wide.outcome == "inconclusive" and wide.seeds_to_settle is None
    assert judge_resampled("ratio", 1.5, rng.normal(1.5, 0.1, 2_000), Band(high=0.8), "10 reshuffles").fails
    with pytest.raises(ValueError, match="too few"):
        judge_resampled("ratio", 0.3, [0.3] * 10, Band(high=0.8), "10 reshuffles")


def test_the_kfold_ratio_varies_with_the_reshuffles():
    """over.kfold's one ratio is judged with a bootstrap interval over its reshuffles, not as exact."""
    from experiments.claims import claim
    from experiments.claims.bands import Resampled

    kfold = claim("over.kfold")
    assert not kfold.bands["spread_ratio"].exact
    rng = __import__("numpy").random.default_rng(1)
    folds = rng.normal(2.4, 0.3, (10, 4))
    (found,) = kfold.statistics(folds.mean(axis=1), folds[:, 0]).values()
    assert isinstance(found, Resampled) and len(set(found.resampled)) > 100
