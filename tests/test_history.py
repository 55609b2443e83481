"""What counts as a change between two runs, and what counts as a regression."""

import pytest

from experiments.report import history


def run(run_id, verdicts, judged=None, versions=None, profile="smoke", gpus=()):
    return {
        "id": run_id, "profile": profile, "versions": versions or {"keras": "3.15.1"}, "gpus": list(gpus),
        "claims": {cid: {"verdict": v, "judged": (judged or {}).get(cid, {})} for cid, v in verdicts.items()},
    }


def stat(mean, spread):
    return {"mean": mean, "spread": spread, "band": "[0.9, 0.95]", "band_low": 0.9, "band_high": 0.95}


def test_flips_ignore_claims_not_run():
    before = run("a", {"x": "reproduced", "y": "reproduced", "z": "skipped"})
    now = run("b", {"x": "not_reproduced", "y": "not_encoded", "z": "reproduced"})
    change = history.changes(before, now)
    assert change["flipped"] == [{"id": "x", "before": "reproduced", "after": "not_reproduced"},
                                 {"id": "z", "before": "skipped", "after": "reproduced"}]
    assert history.regressions(change) == [{"id": "x", "before": "reproduced", "after": "not_reproduced"}]


@pytest.mark.parametrize(
    "before, after, moved",
    [
        (stat(0.915, 0.003), stat(0.918, 0.003), False),  # within twice the spread
        (stat(0.915, 0.003), stat(0.925, 0.003), True),
        (stat(0.915, 0.0), stat(0.915, 0.0), False),  # deterministic and unchanged
        (stat(0.915, 0.0), stat(0.9151, 0.0), True),  # deterministic and changed
    ],
)
def test_moved_beyond_spread(before, after, moved):
    change = history.changes(run("a", {"c": "reproduced"}, {"c": {"acc": before}}),
                             run("b", {"c": "reproduced"}, {"c": {"acc": after}}))
    assert bool(change["moved"]) == moved


def test_the_history_keeps_the_claims_statistics_not_its_controls():
    """The control is judged on the claim's own bands, under the same band id, after it: it must not take its place."""
    def judged(value, **extra):
        return {"quantity": "validation accuracy", "band_id": "val_accuracy", "value": value, "per_seed": [value],
                "spread": 0.0, "band": "≥ 0.9", "band_low": 0.9, "band_high": None, "outcome": "holds", **extra}

    results = {"run": {"id": "a", "started": "", "profile": "smoke", "duration_s": 1.0, "git_commit": None,
                       "versions": {}, "device": {}},
               "claims": [{"id": "c", "verdict": "reproduced",
                           "measured": [judged(0.915), judged(0.095, control=True, outcome="fails")]}]}
    assert history.summarise(results)["claims"]["c"]["judged"]["val_accuracy"]["mean"] == 0.915


def test_versions_and_devices_that_changed():
    change = history.changes(run("a", {}, versions={"keras": "3.15.1", "numpy": "2.4"}),
                             run("b", {}, versions={"keras": "3.16.0", "numpy": "2.4"}, gpus=["H100"]))
    assert change["versions"] == {"keras": ["3.15.1", "3.16.0"], "gpus": [[], ["H100"]]}


def test_previous_run_is_the_last_complete_one_of_the_profile(tmp_path):
    for summary in (run("1", {}), run("2", {}, profile="full"), dict(run("3", {}), incomplete=True)):
        history.append(tmp_path, summary)
    with (tmp_path / history.HISTORY).open("a") as cut:
        cut.write('{"cut short')  # a crash mid-write
    history.append(tmp_path, run("4", {}, profile="full"))
    runs = history.read(tmp_path)
    assert [r["id"] for r in runs] == ["1", "2", "3", "4"]
    assert history.previous_run(runs, "smoke")["id"] == "1"
    assert history.previous_run(runs, "full")["id"] == "4"
    assert history.previous_run([], "smoke") is None


def test_a_night_is_compared_with_the_last_one_on_its_class_of_gpus(tmp_path):
    for summary in (run("h100", {}, gpus=["H100"]), run("a100", {}, gpus=["A100", "A100"]), run("cpu", {})):
        history.append(tmp_path, summary)
    runs = history.read(tmp_path)
    assert history.previous_run(runs, "smoke", ["H100"])["id"] == "h100"
    assert history.previous_run(runs, "smoke", ["A100"])["id"] == "a100"
    assert history.previous_run(runs, "smoke", [])["id"] == "cpu"
    assert history.previous_run(runs, "smoke", ["L4"]) is None
    assert history.previous_run(runs, "smoke")["id"] == "cpu"  # any class
