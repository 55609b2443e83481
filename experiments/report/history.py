"""Run history: one line per run in DIR/history.jsonl, what changed since the last run, regressions.

A nightly job reads its own past here: which claims flipped since the
previous run of the same profile, which judged statistics moved by more than
their spread over seeds, and which library versions (or devices) changed
alongside.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable, Mapping

from experiments.report.results import VERDICT_LABELS

HISTORY = "history.jsonl"

# Verdicts that say nothing about whether a claim holds tonight: it was not run.
_NOT_RUN = {"not_encoded"}


def summarise(results: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a run that the history keeps: verdicts and judged statistics, per claim."""
    run = results["run"]
    claims = {}
    for entry in results["claims"]:
        judged = {  # by the band's id where it has one, so that rewording its label keeps its history
            m.get("band_id") or m["quantity"]: {
                "label": m["quantity"], "mean": m["value"], "spread": m["spread"], "band": m["band"],
                "band_low": m["band_low"], "band_high": m["band_high"], "outcome": m.get("outcome")}
            for m in entry["measured"]
            if "per_seed" in m and not m.get("control") and not m.get("alongside")  # judged on the same bands, not kept
        }
        claims[entry["id"]] = {"verdict": entry["verdict"], "judged": judged}
    return {
        "id": run["id"], "started": run["started"], "profile": run["profile"], "duration_s": run["duration_s"],
        "git_commit": run["git_commit"], "versions": run["versions"], "gpus": run["device"].get("gpus", []),
        "cpu_isa": run["device"].get("cpu_isa"),
        "incomplete": run.get("incomplete", False), "claims": claims,
        "weights": {key: facts["weights"] for key, facts in run.get("runs", {}).items()},
        "run_names": {key: facts["name"] for key, facts in run.get("runs", {}).items()},
    }


def read(directory: Path) -> list[dict[str, Any]]:
    """Every run recorded in DIR/history.jsonl, oldest first; a line that is not JSON is passed over."""
    path = directory / HISTORY
    if not path.is_file():
        return []
    runs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            runs.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut short by a crash mid-write: the others still stand
    return runs


def append(directory: Path, summary: Mapping[str, Any]) -> None:
    """Add one run as one line, written with a single append so a crash cannot split two runs."""
    line = (json.dumps(summary, ensure_ascii=False) + "\n").encode("utf-8")
    path = directory / HISTORY
    if path.is_file() and path.stat().st_size and not path.read_bytes().endswith(b"\n"):
        line = b"\n" + line  # the last run was cut short mid-line: start on a line of our own
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(descriptor, line)
    finally:
        os.close(descriptor)


def previous_run(history: Iterable[Mapping[str, Any]], profile: str,
                 gpus: list[str] | None = None) -> Mapping[str, Any] | None:
    """The latest complete run of ``profile`` in ``history``; with ``gpus``, on GPUs of that class (the same models,
    or none): a night on other GPUs is another baseline, not a change of device."""
    same = [run for run in history if run["profile"] == profile and not run.get("incomplete")
            and (gpus is None or sorted(set(run.get("gpus", []))) == sorted(set(gpus)))]
    return same[-1] if same else None


def _moved(before: Mapping[str, float], after: Mapping[str, float]) -> bool:
    """A mean moved beyond its seed spread: by more than twice the larger of the two spreads.

    With no spread (one seed, or identical seeds) any change counts: a
    deterministic run that changes is news.
    """
    tolerance = 2 * max(before["spread"], after["spread"])
    return abs(after["mean"] - before["mean"]) > tolerance if tolerance > 0 else after["mean"] != before["mean"]


def changes(before: Mapping[str, Any], now: Mapping[str, Any]) -> dict[str, Any]:
    """What differs between two summarised runs: verdicts, judged statistics, versions."""
    flipped, moved = [], []
    for claim_id, current in now["claims"].items():
        earlier = before["claims"].get(claim_id)
        if earlier is None or current["verdict"] in _NOT_RUN or earlier["verdict"] in _NOT_RUN:
            continue
        if earlier["verdict"] != current["verdict"]:
            flipped.append({"id": claim_id, "before": earlier["verdict"], "after": current["verdict"]})
        for quantity, value in current["judged"].items():
            old = earlier["judged"].get(quantity)
            if old is not None and _moved(old, value):
                moved.append({"id": claim_id, "quantity": value.get("label", quantity), "before": old["mean"], "after": value["mean"],
                              "spread": max(old["spread"], value["spread"]), "band": value["band"]})
    versions = {
        name: [before["versions"].get(name), now["versions"].get(name)]
        for name in sorted(set(before["versions"]) | set(now["versions"]))
        if before["versions"].get(name) != now["versions"].get(name)
    }
    if before.get("gpus") != now.get("gpus"):
        versions["gpus"] = [before.get("gpus"), now.get("gpus")]
    if None not in (before.get("cpu_isa"), now.get("cpu_isa")) and before["cpu_isa"] != now["cpu_isa"]:
        versions["CPU vector extensions"] = [before["cpu_isa"], now["cpu_isa"]]  # oneDNN's kernels follow them
    return {"previous_run": before["id"], "flipped": flipped, "moved": moved, "versions": versions,
            "nondeterministic": nondeterministic(before, now)}


def nondeterministic(before: Mapping[str, Any], now: Mapping[str, Any]) -> list[dict[str, str]] | None:
    """Training runs of both under one key whose final weights differ: the same recipe, data and code gave
    other numbers. Apart from any claim moving, which such a run may or may not do. None when either run
    recorded no weights (a run from before they were recorded)."""
    earlier = before.get("weights", {})
    names = now.get("run_names", {})
    if not earlier or not now.get("weights"):
        return None
    return [{"key": key, "name": names.get(key, key), "before": earlier[key], "after": digest}
            for key, digest in now.get("weights", {}).items() if key in earlier and earlier[key] != digest]


def regressions(change: Mapping[str, Any]) -> list[dict[str, str]]:
    """Claims reproduced in the previous run and not now: failing, erroring, skipped or newly xfailed.

    A claim that went from reproduced to inconclusive is a weakening, not a regression: its seeds no
    longer clear a band, but they do not put it outside either (see ``weakenings``).
    """
    return [f for f in change["flipped"] if f["before"] == "reproduced" and f["after"] != "inconclusive"]


def regression_lines(change: Mapping[str, Any]) -> list[str]:
    """One line per regression in ``change``, naming the run it reproduced in and the versions that changed since."""
    versions = ", ".join(f"{k} {v[0]} → {v[1]}" for k, v in change["versions"].items()) or "none"
    return [f"REGRESSION {regression['id']}: reproduced in run {change['previous_run']}, "
            f"{VERDICT_LABELS[regression['after']]} now; versions changed: {versions}" for regression in regressions(change)]


def weakenings(change: Mapping[str, Any]) -> list[dict[str, str]]:
    """Claims reproduced in the previous run and inconclusive now: flagged, never hidden, never a failure."""
    return [f for f in change["flipped"] if f["before"] == "reproduced" and f["after"] == "inconclusive"]
