"""Writing a run into a report directory: results.json, report.html, DIR/latest, the history and its index.

One way for every run that is written: a pytest session's (the collector's)
and a merge of shards run on several machines (experiments/report/shards.py).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from experiments.files import write_atomically
from experiments.paths import reference_path
from experiments.report import history
from experiments.report.render import render, render_index
from experiments.report.results import ResultsError, load_results


def publish(directory: Path, results: dict[str, Any]) -> Path:
    """Compare ``results`` with the previous run of its profile on its class of GPUs and with the reference run, then
    write it as
    DIR/<run id>/{results.json,report.html}, point DIR/latest at it, append it to the history and rewrite
    DIR/index.html. ``results`` gains "changes" and "since_reference"; returns the run's directory."""
    summary = history.summarise(results)
    past = history.read(directory)
    before = history.previous_run(past, summary["profile"], summary["gpus"])
    results["changes"] = history.changes(before, summary) if before else None
    results["since_reference"] = since_reference(summary)
    page = render(results)
    run_dir = _new_run_dir(directory, results["run"]["id"])
    write_atomically(run_dir / "results.json", json.dumps(results, indent=1, ensure_ascii=False))
    write_atomically(run_dir / "report.html", page)
    _point_latest(directory, run_dir)
    history.append(directory, summary)
    write_atomically(directory / "index.html", render_index([*past, summary]))
    return run_dir


def since_reference(summary: dict[str, Any]) -> dict[str, Any] | None:
    """What changed against the committed reference run of the same profile (reports/reference/), if there is one."""
    path = reference_path(summary["profile"])
    if not path.is_file():
        return None
    try:
        reference = load_results(path)
    except ResultsError:
        return None  # a reference of another schema says nothing about this run
    return history.changes(history.summarise(reference), summary)


def _new_run_dir(directory: Path, run_id: str) -> Path:
    for suffix in ["", *(f"-{n}" for n in range(2, 1000))]:
        candidate = directory / f"{run_id}{suffix}"
        try:
            candidate.mkdir(parents=True)
            return candidate
        except FileExistsError:
            continue
    raise RuntimeError(f"{directory}: no free run directory for {run_id}")


def _point_latest(directory: Path, run_dir: Path) -> None:
    """Make DIR/latest a link to the newest run, replacing the old link in one step."""
    temporary = directory / f".latest-{os.getpid()}"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(run_dir.name, target_is_directory=True)
    os.replace(temporary, directory / "latest")
