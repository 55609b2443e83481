"""No string of the checks or the catalogue holds a number a run measured: those live in results.json.

The scan reads every string literal of checks/*.py and experiments/claims/*.py
(with the literal parts of f-strings) and finds its decimals and percentages.
A number may stand there when it is

- the book's: held by some claim's numbers, printed text, statement or band edges (a percentage
  also as its fraction);
- a section of a source ("DLwP1 5.3", "HG 8-3", "4.4 [O]");
- a setting: a numeric literal written in the code of experiments/ or checks/ (a rate, a size, a share);
- reasoning from the book's numbers in a band's reason, listed in DERIVED with its derivation.

Anything else is a measurement typed into prose, which goes stale the day a run moves it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from experiments.claims import CATALOGUE

ROOT = Path(__file__).resolve().parents[1]
SCANNED = [*sorted((ROOT / "checks").glob("*.py")), *sorted((ROOT / "experiments" / "claims").glob("*.py"))]
NUMBER = re.compile(r"(?<![\w.])[+\-−±]?(\d+\.\d+|\d+%)")
SECTION = re.compile(r"(DLwP\d|HG|TFT|section|ch\.)\s*\d+(\.\d+)*$|\d+\.\d+\.\d+$")

# Numbers in band reasons worked out from the book's, not measured: the number → how it follows.
DERIVED = {
    "3.3": "the book's trained std over its untrained std",
    "1.2": "the half-width of the band around the book's accuracies, in points",
    "0.99": "the centre of the MNIST band, between the printed 0.9913 and the prose's 99.3%",
}


def _value(text: str) -> float:
    text = text.replace("−", "-").lstrip("+±")
    return float(text[:-1]) / 100 if text.endswith("%") else float(text)


def _book_numbers() -> set[float]:
    found: set[float] = set()

    def walk(value) -> None:
        if isinstance(value, bool):
            return
        if isinstance(value, (int, float)):
            found.add(abs(round(float(value), 6)))  # compared by size: a text's sign may be its own character
        elif isinstance(value, str):
            found.update(abs(round(_value(m.group(0)), 6)) for m in NUMBER.finditer(value))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    for claim in CATALOGUE:
        walk([claim.numbers, claim.book, claim.statement, *[(b.low, b.high) for b in claim.bands.values()]])
    return found


def _settings() -> set[float]:
    found: set[float] = set()
    for path in [*sorted((ROOT / "experiments").glob("*.py")), *sorted((ROOT / "checks").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, float):
                found.add(round(node.value, 6))
    return found


def _strings(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def typed_measurements() -> list[str]:
    allowed = _book_numbers() | _settings()
    found = []
    for path in SCANNED:
        for line, text in _strings(path):
            for match in NUMBER.finditer(text):
                number = match.group(0)
                before = text[max(0, match.start() - 12):match.end()]
                if SECTION.search(before) or number.lstrip("+−-±") in DERIVED:
                    continue
                value = abs(round(_value(number), 6))  # a setting written −0.5 is the literal 0.5 negated
                if value in allowed or round(value * 100, 6) in allowed:  # a share typed as a percentage, or back
                    continue
                found.append(f"{path.relative_to(ROOT)}:{line}: {number} in …{text[max(0, match.start() - 50):match.end() + 20]}…")
    return found


def test_no_measured_number_is_typed_into_a_check_or_the_catalogue():
    assert typed_measurements() == []


def test_the_scan_finds_a_typed_measurement(tmp_path, monkeypatch):
    check = tmp_path / "test_typed.py"
    check.write_text('REASON = "validation accuracy stays below fast extraction\'s (0.822 against 0.842)"\n')
    monkeypatch.setattr(__import__(__name__), "SCANNED", [check])
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    assert [f.split(": ")[1].split(" in")[0] for f in typed_measurements()] == ["0.822", "0.842"]
