"""results.json → one self-contained HTML page (Jinja2, autoescaped, figures inline).

Re-render a run without re-running anything:

    python -m experiments.report reports/<run-id>/results.json [-o page.html]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Mapping

import jinja2

from experiments.claims import SOURCES
from experiments.results import SCHEMA_VERSION, VERDICT_LABELS, VERDICTS, verdict_counts


def show(value: Any) -> str:
    """A measured or book value as a person reads it: 3,453,121; (4, 4, 512); — for none."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(show(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {show(v)}" for k, v in value.items())
    return str(value)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("experiments", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["show"] = show
    return env


def render(results: Mapping[str, Any]) -> str:
    claims = results["claims"]
    sections: dict[str, list] = {}
    for entry in claims:
        sections.setdefault(entry["section"], []).append(entry)
    return _environment().get_template("report.html.j2").render(
        run=results["run"],
        claims=claims,
        sections=[
            {"name": name, "counts": verdict_counts(entries), "claims": entries}
            for name, entries in sections.items()
        ],
        totals=verdict_counts(claims),
        verdicts=VERDICTS,
        labels=VERDICT_LABELS,
        sources=SOURCES,
    )


class ResultsError(Exception):
    """results.json cannot be rendered: missing, unreadable, or of another schema."""


def load(path: Path) -> dict[str, Any]:
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ResultsError(f"{path}: not a readable results.json ({error})") from None
    version = results.get("schema_version") if isinstance(results, dict) else None
    if version != SCHEMA_VERSION:
        raise ResultsError(
            f"{path}: schema version {version!r}, this renderer reads version {SCHEMA_VERSION}; "
            "re-run the suite or use the version of convnet-claims that wrote it"
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m experiments.report", description=__doc__.split("\n")[0])
    parser.add_argument("results", type=Path, help="a results.json written by a run")
    parser.add_argument("-o", "--output", type=Path, help="where to write the page (default: report.html beside it)")
    args = parser.parse_args(argv)
    try:
        results = load(args.results)
    except ResultsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    output = args.output or args.results.with_name("report.html")
    try:
        output.write_text(render(results), encoding="utf-8")
    except OSError as error:
        print(f"error: cannot write {output}: {error.strerror}", file=sys.stderr)
        return 2
    print(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
