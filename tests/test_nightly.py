"""The nightly workflow's shards: every check module in exactly one, and the merge names every shard."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = (ROOT / ".github" / "workflows" / "nightly.yml").read_text()


def test_every_check_module_runs_in_exactly_one_shard():
    shards = dict(re.findall(r"- name: ([\w-]+).*\n\s+checks: (.+)", WORKFLOW))
    modules = [module for checks in shards.values() for module in checks.split()]
    assert len(modules) == len(set(modules)), "a module in two shards: its claims would be an error of the merge"
    assert sorted(modules) == sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "checks").glob("test_*.py"))
    merged = set(re.findall(r"([\w-]+)=shards/shard-([\w-]+)/results\.json", WORKFLOW))
    assert merged == {(name, name) for name in shards}
