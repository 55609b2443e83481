"""Judging a statistic over seeds against its band."""

import pytest

from experiments.stats import Band, judge


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


def test_verdict_is_on_the_mean_with_the_spread_reported():
    judgement = judge("val accuracy", [0.90, 0.92, 0.94], Band(0.91, 0.935))
    assert judgement.mean == pytest.approx(0.92)
    assert judgement.spread == pytest.approx(0.02)
    assert judgement.holds  # one seed below the band does not sink the claim
    assert judgement.describe() == "val accuracy: mean 0.92 ± 0.02 over 3 seeds (0.9, 0.92, 0.94); band [0.91, 0.935]"
    assert not judge("val accuracy", [0.80, 0.85, 0.95], Band(0.91, 0.935)).holds


def test_single_seed_has_no_spread_and_no_seeds_is_an_error():
    assert judge("x", [1.0], Band(low=0)).spread == 0.0
    with pytest.raises(ValueError):
        judge("x", [], Band(low=0))


def test_a_mean_within_one_standard_error_of_an_edge_is_too_close_to_call():
    assert judge("d", [0.010, -0.010, 0.003], Band(low=0.0)).too_close_to_call  # mean 0.001, standard error 0.006
    assert not judge("d", [0.30, 0.32, 0.31], Band(low=0.0)).too_close_to_call
    assert not judge("d", [0.5], Band(low=0.0, high=1.0)).too_close_to_call  # one seed: no spread to go by


def test_judge_bands_records_every_band_and_returns_the_failed_ones():
    from experiments.claims import claim
    from experiments.evidence import Evidence

    the_claim = claim("pool.no_pool_is_worse")
    accuracy, gap = the_claim.bands
    evidence = Evidence(the_claim.id)
    failed = evidence.judge_bands(the_claim, {accuracy: [-0.02, -0.03], gap: [0.04, 0.05]})
    assert [m["quantity"] for m in evidence.measured] == [accuracy, gap]
    assert len(failed) == 1 and failed[0].startswith(f"{accuracy}: mean -0.025")
    with pytest.raises(ValueError, match="do not match its bands"):
        evidence.judge_bands(the_claim, {accuracy: [0.1]})
