"""Shards run on several runners merged into one run: each claim from the shard that checked it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from experiments.report.cli import main as report_main
from experiments.report.shards import ShardError, merge

SHARD_A = '''
import pytest

@pytest.mark.claim("geom.valid")
def test_valid(evidence):
    evidence.measure("answer", 42, 42)
'''

SHARD_B = '''
import pytest

@pytest.mark.claim("geom.same")
def test_same(evidence):
    assert False, "measured 41, book 42"
'''


def shard(pytester: pytest.Pytester, name: str, source: str) -> Path:
    """Run ``source`` as one shard with its own report directory; the path of its results.json."""
    pytester.makepyfile(**{f"test_{name}": source})
    pytester.runpytest("-p", "no:cacheprovider", f"test_{name}.py", "--report-dir", f"shard-{name}")
    return pytester.path / f"shard-{name}" / "latest" / "results.json"


@pytest.fixture
def shards(pytester: pytest.Pytester) -> dict[str, Path]:
    pytester.makeconftest('pytest_plugins = ["experiments.harness.plugin"]')
    return {"a": shard(pytester, "a", SHARD_A), "b": shard(pytester, "b", SHARD_B)}


def merged(directory: Path) -> dict:
    return json.loads((directory / "latest" / "results.json").read_text())


def test_two_shards_make_one_run_one_report_and_one_history_entry(shards, tmp_path, capsys) -> None:
    target = tmp_path / "night"
    assert report_main(["merge", "--report-dir", str(target), *(f"{n}={p}" for n, p in shards.items())]) == 0
    results = merged(target)
    verdicts = {c["id"]: c["verdict"] for c in results["claims"]}
    assert (verdicts["geom.valid"], verdicts["geom.same"], verdicts["geom.pool"]) == ("reproduced", "not_reproduced",
                                                                                      "not_encoded")
    assert set(results["run"]["shards"]) == {"a", "b"} and not results["run"]["incomplete"]
    assert len((target / "history.jsonl").read_text().splitlines()) == 1
    page = (target / "latest" / "report.html").read_text()
    assert "shard a" in page and "geom.same" in page
    assert capsys.readouterr().out.strip().endswith("report.html")


def test_a_claim_checked_in_two_shards_is_an_error(shards, tmp_path) -> None:
    target = tmp_path / "night"
    assert report_main(["merge", "--report-dir", str(target), f"a={shards['a']}", f"again={shards['a']}"]) == 1
    valid = next(c for c in merged(target)["claims"] if c["id"] == "geom.valid")
    assert valid["verdict"] == "error"
    assert [t["test"].split(":")[0] for t in valid["tests"]] == ["a", "again", "(merge)"]
    assert "checked in 2 shards (a, again)" in valid["tests"][-1]["message"]


def test_a_shard_that_died_leaves_its_claims_not_checked_and_the_run_incomplete(shards, tmp_path) -> None:
    target = tmp_path / "night"
    assert report_main(["merge", "--report-dir", str(target), f"a={shards['a']}", f"b={tmp_path / 'gone.json'}"]) == 1
    results = merged(target)
    assert results["run"]["incomplete"] and "missing" in results["run"]["shards"]["b"]
    assert next(c for c in results["claims"] if c["id"] == "geom.same")["verdict"] == "not_encoded"


def test_the_merged_run_has_every_shards_gpus_and_names_versions_that_differ(shards) -> None:
    from experiments.report.shards import merge

    a, b = (json.loads(path.read_text()) for path in shards.values())
    a["run"]["device"]["gpus"], b["run"]["device"]["gpus"] = ["H100"], ["A100"]
    b["run"]["versions"] = {**b["run"]["versions"], "keras": "9.9.9"}
    run = merge({"a": a, "b": b})["run"]
    assert run["device"]["gpus"] == ["A100", "H100"]
    assert run["versions_differ"] == ["keras"]
    assert run["shards"]["b"]["device"]["gpus"] == ["A100"]


def test_shards_of_different_runs_are_refused(shards) -> None:
    a = json.loads(shards["a"].read_text())
    other = json.loads(shards["b"].read_text())
    other["run"]["profile"] = "full"
    with pytest.raises(ShardError, match="differ in profile"):
        merge({"a": a, "b": other})
    with pytest.raises(ShardError, match="no shard wrote"):
        merge({"a": None})


def test_the_merge_fails_on_a_regression_since_the_previous_merged_run(pytester, shards, tmp_path, capsys) -> None:
    broken = shard(pytester, "broken", SHARD_A.replace('evidence.measure("answer", 42, 42)', "assert False"))
    target = str(tmp_path / "night")
    assert report_main(["merge", "--report-dir", target, f"a={shards['a']}", "--fail-on-regression"]) == 0
    assert report_main(["merge", "--report-dir", target, f"a={broken}", "--fail-on-regression"]) == 1
    assert "REGRESSION geom.valid: reproduced in run" in capsys.readouterr().err
