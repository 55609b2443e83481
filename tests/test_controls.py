"""Negative controls: a stochastic claim's bands, applied to a run on which the claim must not hold, must fail."""

from __future__ import annotations

import inspect
import re

import pytest

from experiments.claims import CATALOGUE, claim
from experiments.judge.evidence import Evidence
from experiments.judge.stats import judge

AUGMENTATION = claim("over.augmentation")  # three bands, each asking for an effect of at least some size
NO_EFFECT = {"gap_cut": [0.0, 0.0, 0.0], "later_best_epoch": [0, 0, 0], "accuracy_gain": [0.0, 0.0, 0.0]}
CLEAR_EFFECT = {"gap_cut": [0.2, 0.25, 0.22], "later_best_epoch": [30, 41, 35], "accuracy_gain": [0.08, 0.1, 0.09]}


def test_a_control_that_fails_a_band_is_what_must_happen():
    evidence = Evidence(AUGMENTATION)
    assert evidence.judge_control(NO_EFFECT) == "fails"
    rows = [m for m in evidence.measured if m.get("control")]
    assert [m["band_id"] for m in rows] == list(AUGMENTATION.bands)
    assert all(m["outcome"] == "fails" for m in rows) and evidence.inconclusive() == []


def test_a_control_that_holds_every_band_is_an_error_of_the_check():
    """Recorded, for the plugin to raise CheckCannotFail once the check has recorded everything else
    (tests/test_plugin.py::test_controls_known_failures_and_messages)."""
    evidence = Evidence(AUGMENTATION)
    evidence.judge_bands(CLEAR_EFFECT)
    assert evidence.judge_control(CLEAR_EFFECT) == "holds"
    assert re.fullmatch(r"its negative control \(.+\) holds every band: .+ — the check cannot fail", evidence.cannot_fail)


def test_a_control_that_holds_beside_runs_that_failed_is_noted_not_an_error():
    """Runs that fail a band have shown that the check can fail; the control holding too is told, not raised."""
    evidence = Evidence(AUGMENTATION)
    assert evidence.judge_bands(NO_EFFECT)
    assert evidence.judge_control(CLEAR_EFFECT) == "holds" and not evidence.cannot_fail
    assert evidence.notes == [f"its negative control ({AUGMENTATION.control}) holds every band as well: with these "
                              "runs the check cannot tell them from the control."]


def test_one_failed_band_is_enough_for_the_control():
    evidence = Evidence(AUGMENTATION)
    assert evidence.judge_control({**CLEAR_EFFECT, "accuracy_gain": [0.0, 0.001, -0.002]}) == "fails"


def test_a_control_the_seeds_cannot_decide_leaves_the_check_inconclusive():
    evidence = Evidence(AUGMENTATION)
    straddling = [0.0, 0.2, 0.1]  # mean 0.1 on the band's edge
    assert evidence.judge_control({**CLEAR_EFFECT, "gap_cut": straddling}) == "inconclusive"
    doubt = judge(AUGMENTATION.bands["gap_cut"].label, straddling, AUGMENTATION.bands["gap_cut"]).explain()
    assert evidence.inconclusive() == [f"its negative control does not fail its bands clearly: {doubt}"]


def test_the_controls_doubts_are_not_the_claims():
    """A control band straddled while another control band fails is no doubt about the claim."""
    evidence = Evidence(AUGMENTATION)
    evidence.judge_bands(CLEAR_EFFECT)
    assert evidence.judge_control({**NO_EFFECT, "gap_cut": [0.0, 0.2, 0.1]}) == "fails"
    assert evidence.inconclusive() == []


def test_every_stochastic_claim_names_its_control_or_why_it_has_none():
    for entry in CATALOGUE:
        if entry.kind == "stochastic":
            assert bool(entry.control) != bool(entry.no_control), entry.id
            assert not entry.control or entry.bands, f"{entry.id}: a control needs bands to fail"
        else:
            assert not entry.control and not entry.no_control, entry.id


def test_the_catalogue_refuses_a_stochastic_claim_without_either():
    import dataclasses

    with pytest.raises(ValueError, match="names its negative control"):
        dataclasses.replace(AUGMENTATION, control="")


def test_every_claim_with_a_control_has_a_check_that_judges_it(pytester: pytest.Pytester):
    from pathlib import Path

    checks = Path(__file__).resolve().parents[1] / "checks"
    items, _ = pytester.inline_genitems(str(checks), "-p", "no:cacheprovider")
    judging: dict[str, bool] = {}
    for item in items:
        marker = item.get_closest_marker("claim")
        if marker is not None:
            judging[marker.args[0]] = judging.get(marker.args[0], False) or "judge_control(" in inspect.getsource(item.function)
    assert [c.id for c in CATALOGUE if c.control and not judging.get(c.id)] == []


def test_every_known_failure_names_checks_that_exist(pytester: pytest.Pytester):
    from pathlib import Path

    checks = Path(__file__).resolve().parents[1] / "checks"
    items, _ = pytester.inline_genitems(str(checks), "-p", "no:cacheprovider")
    names = {(item.get_closest_marker("claim").args[0], item.name) for item in items if item.get_closest_marker("claim")}
    for entry in CATALOGUE:
        if entry.known_failure is not None:
            assert {c for c, _ in names} >= {entry.id}
            missing = [t for t in entry.known_failure.tests if (entry.id, t) not in names]
            assert missing == [], f"{entry.id}: its known failure names checks that do not exist: {missing}"
