"""The order a run takes its test modules in: the longest first, by the longest each has taken.

`make test` runs under pytest-xdist with ``--dist loadfile --no-loadscope-reorder``:
each worker takes the next whole module, in collection order, whenever it is
free. Collected as written, a long module that comes last keeps one worker busy
while the other has finished; taken longest first, they finish nearly together
(the longest-processing-time rule). Each module's seconds, all its tests'
phases added up, are kept in the run cache's directory (module-seconds.json),
the longest a module has taken: a cold run's, when it had one. A cold run is
the one a bad order makes long, and a module quick when warm loses nothing by
going first. The numbers change no result, only the order. A machine without
its own seconds (a fresh one, whose run is cold) takes the reference machine's
cold seconds (reports/reference/module-seconds.json), so that its first run
is ordered too; a module timed nowhere goes first, as if long. The controller reads the file once and hands it
to its workers (pytest-xdist's workerinput), so that every process orders the
same collection the same way, as pytest-xdist requires.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Mapping

import pytest

from experiments.files import write_atomically
from experiments.harness.options import cache_root, from_controller
from experiments.paths import REFERENCE_DIR

SECONDS_FILE = "module-seconds.json"
REFERENCE_SECONDS = REFERENCE_DIR / SECONDS_FILE  # a cold run's on the reference machine
SECONDS = "convnet_claims_module_seconds"  # the controller's reading of the file, handed to its workers
EARLIER = pytest.StashKey[dict]()


def longest_first(modules: Iterable[str], seconds: Mapping[str, float]) -> list[str]:
    """``modules`` once each: the untimed ones first, as given, then the timed ones by their seconds, longest first."""
    listed = list(dict.fromkeys(modules))
    return sorted(listed, key=lambda module: (module in seconds, -seconds.get(module, 0.0)))  # sorted is stable


def module_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def read_seconds(path: Path) -> dict[str, float]:
    """The file's seconds by module; none when it is missing or unreadable (the order then is the collection's)."""
    try:
        found = json.loads(path.read_text())
        return {str(module): float(value) for module, value in found.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


class ModuleClock:
    """Adds up the duration of every phase of every test, by module, as the run reports them (its workers' too),
    and at the run's end keeps each module's longer of it and its number before."""

    def __init__(self, path: Path, earlier: Mapping[str, float]):
        self.path, self.earlier = path, dict(earlier)
        self.seconds: dict[str, float] = defaultdict(float)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[module_of(report.nodeid)] += report.duration

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if not self.seconds or exitstatus == pytest.ExitCode.INTERRUPTED:  # a stopped run's modules are cut short
            return
        merged = self.earlier | {module: max(round(total, 2), self.earlier.get(module, 0.0))
                                 for module, total in self.seconds.items()}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, json.dumps(dict(sorted(merged.items())), indent=1))
        except OSError:  # a read-only cache: the next run keeps the old order
            pass


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: its controller's reading is in its workerinput
        return
    path = cache_root(config) / SECONDS_FILE
    config.stash[EARLIER] = read_seconds(REFERENCE_SECONDS) | read_seconds(path)
    config.pluginmanager.register(ModuleClock(path, read_seconds(path)), "convnet-claims-module-clock")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """pytest-xdist's controller, before it starts a worker: the seconds it read, for the worker to order by."""
    node.workerinput[SECONDS] = node.config.stash[EARLIER]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    seconds = from_controller(config, SECONDS, config.stash.get(EARLIER, {}))
    rank = {module: place for place, module in enumerate(
        longest_first((module_of(item.nodeid) for item in items), seconds))}
    items.sort(key=lambda item: rank[module_of(item.nodeid)])  # stable: a module's tests keep their order
