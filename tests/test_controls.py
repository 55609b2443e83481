"""Negative controls: a stochastic claim's bands, applied to a run on which the claim must not hold, must fail."""

from __future__ import annotations

import inspect
import re

import pytest

from experiments.claims import CATALOGUE, claim
from experiments.judge.evidence import Evidence
from experiments.judge.stats import judge

AUGMENTATION = claim("over.augmentation")  # A/A control, principal band gap_cut: an effect of at least 0.1
NO_EFFECT = {"gap_cut": [0.01, -0.02, 0.01], "later_best_epoch": [1, -2, 1], "accuracy_gain": [0.004, -0.01, 0.006]}
CLEAR_EFFECT = {"gap_cut": [0.2, 0.25, 0.22], "later_best_epoch": [30, 41, 35], "accuracy_gain": [0.08, 0.1, 0.09]}


def test_a_control_that_fails_its_principal_band_is_what_must_happen():
    evidence = Evidence(AUGMENTATION)
    assert evidence.judge_control(NO_EFFECT) == "fails"
    rows = [m for m in evidence.measured if m.get("control")]
    assert [m["band_id"] for m in rows] == list(AUGMENTATION.bands)
    assert all(m["outcome"] == "fails" for m in rows) and evidence.inconclusive() == []


def test_a_control_that_holds_its_principal_band_is_an_error_of_the_check():
    """Recorded, for the plugin to raise CheckCannotFail once the check has recorded everything else
    (tests/test_plugin.py::test_controls_known_failures_and_messages)."""
    evidence = Evidence(AUGMENTATION)
    evidence.judge_bands(CLEAR_EFFECT)
    assert evidence.judge_control({**NO_EFFECT, "gap_cut": CLEAR_EFFECT["gap_cut"]}) == "holds"
    assert re.fullmatch(r"its A/A control \(.+\) holds its principal band: .+ — the check cannot fail",
                        evidence.cannot_fail)


def test_a_control_that_fails_only_another_band_does_not_count():
    evidence = Evidence(AUGMENTATION)
    evidence.judge_bands(CLEAR_EFFECT)
    assert evidence.judge_control({**CLEAR_EFFECT, "accuracy_gain": [0.0, 0.001, -0.002]}) == "holds"
    assert evidence.cannot_fail


def test_a_control_that_holds_beside_runs_that_failed_is_noted_not_an_error():
    """Runs that fail the band have shown that the check can fail; the control holding too is told, not raised."""
    evidence = Evidence(AUGMENTATION)
    assert evidence.judge_bands(NO_EFFECT)
    assert evidence.judge_control(CLEAR_EFFECT) == "holds" and not evidence.cannot_fail
    assert evidence.notes == [f"its A/A control ({AUGMENTATION.control.words}) holds its principal band as well: "
                              "with these runs the check cannot tell them from the control."]


def test_a_control_the_seeds_cannot_decide_leaves_the_check_inconclusive():
    evidence = Evidence(AUGMENTATION)
    straddling = [0.0, 0.2, 0.1]  # mean 0.1 on the band's edge
    assert evidence.judge_control({**NO_EFFECT, "gap_cut": straddling}) == "inconclusive"
    doubt = judge(AUGMENTATION.bands["gap_cut"].label, straddling, AUGMENTATION.bands["gap_cut"]).explain()
    assert evidence.inconclusive() == [f"its A/A control does not fail its principal band clearly: {doubt}"]


def test_the_controls_doubts_about_other_bands_are_not_the_claims():
    evidence = Evidence(AUGMENTATION)
    evidence.judge_bands(CLEAR_EFFECT)
    assert evidence.judge_control({**NO_EFFECT, "accuracy_gain": [0.0, 0.04, 0.02]}) == "fails"
    assert evidence.inconclusive() == []


def test_a_band_the_control_holds_beside_the_claims_runs_qualifies_the_verdict():
    activations = claim("vis.activations")  # its control, the untrained convnet, holds two of its three bands
    evidence = Evidence(activations)
    evidence.judge_bands({"first_r2": [0.91, 0.911, 0.912], "r2_drop": [-0.63, -0.64, -0.635],
                          "probe_gain": [0.08, 0.09, 0.11]})
    assert evidence.judge_control({"first_r2": [0.908, 0.905, 0.91], "r2_drop": [-0.65, -0.64, -0.69],
                                   "probe_gain": [0.013, 0.028, 0.027]}) == "fails"
    bands = activations.bands
    assert evidence.qualifiers == [f"also without training: {bands['first_r2'].label}; {bands['r2_drop'].label}"]
    assert evidence.payload()["qualifiers"] == evidence.qualifiers


def test_a_comparison_alongside_that_holds_qualifies_the_verdict_and_need_not_fail():
    sparsity = claim("vis.sparsity")
    evidence = Evidence(sparsity)
    evidence.judge_bands({"first_blank": [0.06, 0.07, 0.03], "blank_growth": [0.12, 0.16, 0.2]})
    (untrained,) = sparsity.alongside
    evidence.judge_alongside(untrained, {"first_blank": [0.0, 0.01, 0.02], "blank_growth": [0.2, 0.25, 0.3]})
    assert evidence.qualifiers == [f"also without training: {sparsity.bands['first_blank'].label}; "
                                   f"{sparsity.bands['blank_growth'].label}"]
    assert not evidence.cannot_fail and evidence.inconclusive() == []


def test_a_comparison_alongside_that_removes_a_known_failures_cause_must_hold_every_band():
    from experiments.judge.evidence import CauseNotShown

    bigger = claim("over.bigger_fits_fast")
    (separable,) = bigger.alongside
    assert separable.removes_cause
    Evidence(bigger).judge_alongside(separable, {"orders_below_original": [-2.1, -2.4, -2.3],
                                                 "near_zero": [1.4e-05, 1.5e-05, 1.8e-05]})
    with pytest.raises(CauseNotShown, match="over.bigger_fits_fast: on T-shirts against trousers, the known failure"):
        Evidence(bigger).judge_alongside(separable, {"orders_below_original": [-2.1, -2.4, -2.3],
                                                     "near_zero": [0.12, 0.14, 0.13]})


def test_the_catalogue_refuses_a_removed_cause_without_a_known_failure():
    import dataclasses

    bigger = claim("over.bigger_fits_fast")
    with pytest.raises(ValueError, match="removes a known failure's cause, and it has none"):
        dataclasses.replace(bigger, known_failure=None)


@pytest.mark.parametrize("changes, refused", [
    ({"kind": "A/A", "shift": 0}, "compares a run with itself"),
    ({"kind": "chance floor", "constant": "the same on every seed"}, "cannot be constant"),
    ({"kind": "A/A", "constant": "the same on every seed"}, "cannot be constant"),
    ({"kind": "sham"}, "a control is one of"),
    ({"judged": ("accuracy_gain",)}, "not on its principal band"),
])
def test_the_catalogue_refuses_a_control_constant_by_construction_or_malformed(changes, refused):
    import dataclasses

    with pytest.raises(ValueError, match=refused):
        dataclasses.replace(AUGMENTATION.control, **changes)


def test_the_catalogue_refuses_a_control_or_known_failure_naming_bands_the_claim_lacks():
    import dataclasses

    from experiments.claims.controls import KnownFailure

    with pytest.raises(ValueError, match="its control names bands it does not have"):
        dataclasses.replace(AUGMENTATION, control=dataclasses.replace(AUGMENTATION.control, principal="gap"))
    with pytest.raises(ValueError, match="its known failure names bands it does not have"):
        dataclasses.replace(AUGMENTATION, known_failure=KnownFailure("a cause", bands=("gap",)))
    with pytest.raises(ValueError, match="names what fails"):
        KnownFailure("a cause")


def test_a_control_constant_at_run_time_is_refused_unless_its_removed_cause_says_why():
    from experiments.judge.stats import IdenticalSeeds

    with pytest.raises(IdenticalSeeds, match="on every one of 3 seeds"):
        Evidence(AUGMENTATION).judge_control({**NO_EFFECT, "gap_cut": [0.0, 0.0, 0.0]})
    sparsity = claim("vis.sparsity")  # no ReLU: no channel is ever blank, by construction
    assert sparsity.control.constant
    assert Evidence(sparsity).judge_control({"first_blank": [0.0, 0.0, 0.0], "blank_growth": [0.0, 0.0, 0.0]}) == "fails"


def test_an_a_a_control_pairs_each_seed_with_another():
    control = AUGMENTATION.control
    assert control.paired(["s0", "s1", "s2"]) == ["s1", "s2", "s0"]
    with pytest.raises(ValueError, match="two seeds or more"):
        control.paired(["s0"])


def test_every_comparative_claims_control_is_a_a_or_removes_a_cause():
    """A chance floor is kept only where the principal band is an absolute level."""
    for entry in CATALOGUE:
        if entry.control is not None and entry.control.kind == "chance floor":
            principal = entry.bands[entry.control.principal]
            assert "minus" not in principal.label and "/" not in principal.label, entry.id


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
        dataclasses.replace(AUGMENTATION, control=None)


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
