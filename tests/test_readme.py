"""The README as a user meets it: short, the two commands first, no result or timing typed into it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_it_is_short_and_opens_with_the_two_commands():
    assert len(README.splitlines()) < 220
    first_block = README.split("```")[1]
    assert re.search(r"^make report\b", first_block, re.MULTILINE) and re.search(r"^make test\b", first_block, re.MULTILINE)
    targets = re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert {"report", "test"} <= set(targets)


def typed_measurements(text: str) -> list[str]:
    """Timings and results outside code blocks: an accuracy or a statistic, not a setting such as 0.95."""
    prose = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    timings = re.findall(r"\b\d[\d,.]*\s*(?:s|sec|seconds|min|minutes|h|hours)\b(?! by default)", prose)
    return timings + re.findall(r"\b0\.\d{3,}\b|\b\d{1,2}\.\d+%", prose)


def test_no_measured_time_or_result_is_typed_into_it():
    """Measured numbers live in results.json and FINDINGS.md, generated from it; the README links them."""
    assert typed_measurements(README) == []
    assert typed_measurements("cold: 44 min 29 s; val 0.9149 (seed 0), 91.5% on a slow day") == [
        "44 min", "29 s", "0.9149", "91.5%"]


def test_every_link_into_the_repository_exists():
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", README):
        assert (ROOT / target).exists(), target
