"""FINDINGS.md is exactly what the findings command makes of the committed reference run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from experiments import paths
from experiments.claims import CATALOGUE
from experiments.report import findings
from experiments.report.results import claim_entry, load_results

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = "reports/reference/smoke.json"


def test_the_committed_findings_are_generated_from_the_committed_reference():
    expected = findings.page(load_results(ROOT / REFERENCE), REFERENCE,
                             *(json.loads(path.read_text()) for path in (findings.PROJECTION, findings.PEAK_SHARE,
                                                                         findings.SCALING, findings.COLD_ARITHMETIC)))
    assert (ROOT / "FINDINGS.md").read_text(encoding="utf-8") == expected, (
        f"FINDINGS.md is stale: regenerate it with `python -m experiments.report.findings page {REFERENCE} > FINDINGS.md`")


def test_the_reference_keeps_no_figure_bytes_and_every_claim():
    reference = load_results(ROOT / REFERENCE)
    assert all("png_base64" not in f for c in reference["claims"] for f in c["figures"])
    assert reference["run"]["profile"] == "smoke" and not reference["run"]["incomplete"]
    assert {c["verdict"] for c in reference["claims"]} - {"not_encoded"}, "the reference checked no claim"
    assert not [c["id"] for c in reference["claims"] if c["verdict"] in ("error", "not_encoded")]


# What results.json copies from the catalogue: the reference's must be today's, or FINDINGS judges another claim.
CATALOGUE_FIELDS = ("id", "section", "kind", "statement", "source", "book", "band", "band_reason", "control",
                    "control_kind", "control_principal", "no_control", "alongside", "known_failure",
                    "known_failure_parts")


def test_the_reference_was_run_on_todays_catalogue_from_a_clean_tree():
    reference = load_results(ROOT / REFERENCE)
    assert reference["run"]["tree_dirty"] is False, "the reference was run from a tree with uncommitted changes"
    ran = {c["id"]: {field: c.get(field) for field in CATALOGUE_FIELDS} for c in reference["claims"]}
    today = {c.id: {field: claim_entry(c, [])[field] for field in CATALOGUE_FIELDS} for c in CATALOGUE}
    stale = {i: {f: (ran.get(i, {}).get(f), today[i][f]) for f in CATALOGUE_FIELDS if ran.get(i, {}).get(f) != today[i][f]}
             for i in today if ran.get(i) != today[i]}
    assert not stale and set(ran) == set(today), (
        f"the reference's catalogue is not today's (field: (reference, today)): {stale}; rerun the smoke profile "
        f"from a clean tree and keep it: `python -m experiments.report.findings keep <results.json>`")
    edges = {(c.id, band_id): (band.low, band.high) for c in CATALOGUE for band_id, band in c.bands.items()}
    judged = {(c["id"], m["band_id"]): (m["band_low"], m["band_high"])
              for c in reference["claims"] for m in c["measured"] if m.get("band_id")}
    assert {key: value for key, value in judged.items() if edges.get(key) != value} == {}


def test_keep_writes_the_reference_of_the_runs_profile(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "REFERENCE_DIR", tmp_path / "reference")
    run = tmp_path / "results.json"
    run.write_text((ROOT / REFERENCE).read_text(encoding="utf-8"), encoding="utf-8")
    assert findings.main(["keep", str(run)]) == 0
    assert load_results(tmp_path / "reference" / "smoke.json") == load_results(ROOT / REFERENCE)
    with pytest.raises(SystemExit):
        findings.main(["page"])


def test_the_committed_projection_is_the_arithmetic_of_todays_models():
    """The arithmetic is today's; the host's time an epoch was measured when it was written. Regenerate with
    `python -m experiments.harness.preflight --arithmetic 67 --json reports/reference/projection.json`."""
    from experiments.harness import preflight
    from experiments.run.profiles import PROFILES

    committed = json.loads(findings.PROJECTION.read_text())
    assert committed["tflops"] == preflight.H100_SXM_FP32_TFLOPS
    arithmetic = json.loads(json.dumps(preflight.projection(PROFILES["full"].seeds, committed["tflops"], measure_host=False)))
    host = ("host_seconds_per_epoch", "host_minutes")
    assert [{k: v for k, v in run.items() if k not in host} for run in committed["runs"]] == arithmetic["runs"]
    assert {k: v for k, v in committed.items() if k not in {"runs", "host_minutes", "host_measured_on"}} == \
        {k: v for k, v in arithmetic.items() if k != "runs"}
    assert all(run["host_seconds_per_epoch"] > 0 for run in committed["runs"])  # measured when it was written


def test_the_committed_peak_share_is_of_todays_heavy_runs():
    """Its seconds were measured when it was written; its runs and their FLOP are today's. Regenerate with
    `.venv/bin/python benchmarks/peak_share.py --json reports/reference/peak_share.json`."""
    from experiments.harness.heavy_runs import flops_per_epoch, heavy_runs

    committed = json.loads(findings.PEAK_SHARE.read_text())
    assert [(run["name"], run["size"], run["flop_per_epoch"]) for run in committed["runs"]] == [
        (run.name, run.size, flops_per_epoch(run, run.size)) for run in heavy_runs(committed["profile"])]
    assert all(run["suite_seconds_per_epoch"] > 0 and run["book_seconds_per_epoch"] > 0 for run in committed["runs"])
    import statistics

    assert committed["repetitions"] >= 3  # one pass ranks nothing on a shared machine
    for run in committed["runs"]:  # each row's numbers are its pairs' own
        assert len(run["suite_seconds"]) == len(run["book_seconds"]) == committed["repetitions"]
        assert run["suite_seconds_per_epoch"] == statistics.median(run["suite_seconds"])
        assert run["suite_over_book"] == statistics.median(s / b for s, b in zip(run["suite_seconds"], run["book_seconds"]))


def test_the_committed_scaling_is_of_todays_rule():
    """Its rates were measured when it was written; the rule it states must be today's. Regenerate with
    `.venv/bin/python benchmarks/scaling.py --json reports/reference/scaling.json`."""
    import statistics

    from experiments.run import threads

    committed = json.loads(findings.SCALING.read_text())
    assert committed["rule"] == [{"cores": c, "workers": threads.workers_for(c),
                                  "threads": threads.threads_for(c, threads.workers_for(c))} for c in (1, 2, 4, 8, 16)]
    for layout in committed["layouts"]:
        assert len(layout["epochs_per_minute"]) == committed["repetitions"]
        assert layout["median"] == statistics.median(layout["epochs_per_minute"])


def test_the_committed_cold_arithmetic_adds_up():
    """Its totals are its recipes' and its floors its totals' (benchmarks/cold_arithmetic.py --json)."""
    committed = json.loads(findings.COLD_ARITHMETIC.read_text())
    assert sum(row["flop"] for row in committed["recipes"]) <= committed["flop"]
    assert committed["peak_minutes"] == committed["flop"] / (committed["peak"]["gflops"] * 1e9) / 60
    assert committed["best_rate_minutes"] == committed["flop"] / (committed["best_rate"] * committed["workers"]) / 60
    assert committed["cold_run"]["duration_s"] > 0 and committed["module_seconds"]
