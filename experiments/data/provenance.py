"""Which copy of each data set a run used: recorded by the loaders, carried to results.json with each check.

A process records what it loaded; the plugin attaches the record to every
check's report, so the controller of a ``pytest -n`` run learns what its
workers used, and two runs on different data are never taken for one.
"""

from __future__ import annotations

from typing import Any

_USED: dict[str, dict[str, Any]] = {}


def record(dataset: str, facts: dict[str, Any]) -> None:
    _USED[dataset] = facts


def used() -> dict[str, dict[str, Any]]:
    return {name: dict(facts) for name, facts in _USED.items()}
