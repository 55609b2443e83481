"""The collector: gathers every check's record (from xdist workers too) and writes the run once.

At session end it turns the records into results.json (the source of truth),
renders report.html from it, points DIR/latest at the run, appends the run to
the history and rewrites DIR/index.html, then prints the claims table.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from experiments.harness.termination import stopped_by
from experiments.report import history
from experiments.report.publish import publish
from experiments.report.results import (
    VERDICT_LABELS,
    VERDICTS,
    build_results,
    verdict_counts,
)
from experiments.run import environment
from experiments.run.profiles import Profile
from experiments.run.seeding import SEEDING

RECORD = "convnet_claims"  # the key of a check's phase record in report.user_properties


class Collector:
    """Gathers the records of every check (from workers too) and writes the run once, at the end."""

    def __init__(self, config: pytest.Config, directory: Path, profile: Profile, seeds: int,
                 hypothesis_settings: dict[str, Any]):
        self.config = config
        self.directory = directory
        self.profile = profile
        self.seeds = seeds
        self.hypothesis_settings = hypothesis_settings
        self.started = datetime.now(timezone.utc)
        self.git_commit = environment.git_commit(config.rootpath)  # the code as it was when the run began
        self.clock = time.monotonic()
        self.tests: dict[str, dict[str, Any]] = {}
        self.results: dict[str, Any] | None = None
        self.run_dir: Path | None = None
        self.regressions: list[dict[str, str]] = []
        self.weakenings: list[dict[str, str]] = []
        self.stopped_by: str | None = None  # what interrupted the run, if anything did
        self.data: dict[str, dict[str, Any]] = {}  # each data set's copy, as the checks' processes loaded it
        self.runs: dict[str, dict[str, Any]] = {}  # each training run's key → its name and final weights' digest
        self.workers: dict[str, Any] = {}  # worker (or "main") → the GPU it was pinned to
        self.determinism: dict[str, Any] = {}  # the determinism settings the checks' processes read back

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo) -> None:
        self.stopped_by = stopped_by(excinfo.value)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        records = [record for key, record in report.user_properties if key == RECORD]
        for record in records:
            self._merge(record)
        if not records and report.failed and report.nodeid in self.tests:
            # A check whose worker died under it (pytest-xdist reports the crash for it, without our record):
            # its setup was recorded, so its claim is known, and the crash is the check's error.
            test = self.tests[report.nodeid]
            self._merge({"claim": test["claim"], "test": report.nodeid, "verdict": "error", "duration_s": 0.0,
                         "message": f"{report.when}: {str(report.longrepr).strip().splitlines()[-1][:500]}"})

    def _merge(self, record: dict[str, Any]) -> None:
        self.data.update(record.get("data", {}))
        self.runs.update(record.get("runs", {}))
        self.determinism.update(record.get("determinism", {}))
        if record.get("device"):
            self.workers[record["device"].get("worker") or "main"] = record["device"].get("gpu")
        test = self.tests.setdefault(record["test"], {
            "claim": record["claim"], "test": record["test"], "verdict": None, "message": "",
            "duration_s": 0.0, "measured": [], "figures": [], "departures": [], "notes": [], "qualifiers": [],
            "short_departures": [],
        })
        test["duration_s"] += record["duration_s"]
        for key in ("measured", "figures", "departures", "notes", "qualifiers", "short_departures"):
            test[key] += record.get(key, [])
        verdict = record["verdict"]
        if verdict and (test["verdict"] is None or VERDICTS.index(verdict) < VERDICTS.index(test["verdict"])):
            test["verdict"], test["message"] = verdict, record["message"]

    def _run(self, exitstatus: int) -> dict[str, Any]:
        profile = self.profile
        return {
            "id": self.started.strftime("%Y%m%dT%H%M%SZ") + f"-{profile.name}",
            "started": self.started.isoformat(timespec="seconds"),
            "duration_s": round(time.monotonic() - self.clock, 2),
            "profile": profile.name,
            "profile_description": profile.describe(),
            "seeds": self.seeds,
            "versions": environment.versions(),
            "device": environment.device(),
            "git_commit": self.git_commit,
            "tree_dirty": bool(self.git_commit and self.git_commit.endswith("+dirty")),
            "data": dict(sorted(self.data.items())),
            "runs": dict(sorted(self.runs.items())),
            "workers": dict(sorted(self.workers.items())),
            # How the suite seeds, and what the checks' processes had set when they ended, as they read it back.
            "determinism": {**SEEDING, **self.determinism, "hypothesis": self.hypothesis_settings},
            "command": " ".join(self.config.invocation_params.args),
            "exit_status": int(exitstatus),
            "incomplete": int(exitstatus) == int(pytest.ExitCode.INTERRUPTED),
            "stopped_by": self.stopped_by,
        }

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if not self.tests:  # no claim was checked (only the harness's own tests ran): nothing to report
            return
        run = self._run(exitstatus)
        if run["incomplete"]:
            self._never_run(session, run["stopped_by"])
        tests = [t for t in self.tests.values() if t["verdict"] is not None]
        for t in tests:
            t["duration_s"] = round(t["duration_s"], 3)
        self.results = build_results(run, tests)
        self.run_dir = publish(self.directory, self.results)

        if self.results["changes"]:
            self.weakenings = history.weakenings(self.results["changes"])
        if self.config.getoption("fail_on_regression") and self.results["changes"]:
            self.regressions = history.regressions(self.results["changes"])
            if self.regressions:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def _never_run(self, session: pytest.Session, stopped_by: str | None) -> None:
        """The checks of a claim that a stopped run had begun and not finished, as skipped parts: the claim is then
        "partly checked", naming them, and not reported whole. (A claim none of whose checks ran stays "not
        checked in this run". Under pytest-xdist the controller collects no items, and so names none.)"""
        finished = [t for t in self.tests.values() if t["verdict"] is not None]
        begun, ended = {t["claim"] for t in finished}, {t["test"] for t in finished}
        why = f"not run: the run was stopped ({stopped_by or 'interrupted'}) before this check ended"
        for item in session.items:
            marker = item.get_closest_marker("claim")
            if marker is not None and marker.args[0] in begun and item.nodeid not in ended:
                self._merge({"claim": marker.args[0], "test": item.nodeid, "verdict": "skipped", "message": why,
                             "duration_s": 0.0})

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.results is None:
            return
        write = terminalreporter.write_line
        terminalreporter.section("convnet-claims")
        for entry in self.results["claims"]:
            if entry["verdict"] != "not_encoded":
                qualified = "".join(f" — {q}" for q in entry["qualifiers"] + entry["not_checked"])
                write(f"{VERDICT_LABELS[entry['verdict']]:<23} {entry['id']}{qualified}")
        counts = verdict_counts(self.results["claims"])
        write(", ".join(f"{n} {VERDICT_LABELS[v]}" for v, n in counts.items() if n))
        write(f"report: {self.run_dir / 'report.html'}")
        write(f"history: {self.directory / 'index.html'}")
        for weakening in self.weakenings:
            write(f"WEAKENING {weakening['id']}: reproduced in run {self.results['changes']['previous_run']}, "
                  f"inconclusive now (its seeds no longer clear a band)", yellow=True, bold=True)
        for label, change in (("the previous run", self.results["changes"]),
                              ("the reference run", self.results.get("since_reference"))):
            for run in (change or {}).get("nondeterministic") or []:
                write(f"NONDETERMINISTIC {run['name']}: same key as in {label} {change['previous_run']}, other "
                      f"weights ({run['before'][:12]} then, {run['after'][:12]} now)", red=True, bold=True)
        if self.regressions:
            for line in history.regression_lines(self.results["changes"]):
                write(line, red=True, bold=True)
