"""results.json → one self-contained HTML page (Jinja2, autoescaped, figures inline).

Re-render a run without re-running anything:

    python -m experiments.report reports/<run-id>/results.json [-o page.html]

Merge the runs of shards into one run, report and history entry (experiments/shards.py):

    python -m experiments.report merge --report-dir reports NAME=shard/results.json ...
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
from pathlib import Path
from typing import Any, Mapping

import jinja2

from experiments import figures, history, trend_chart
from experiments.claims import CATALOGUE, SOURCES
from experiments.results import SCHEMA_VERSION, VERDICT_LABELS, VERDICTS, verdict_counts

INDEX_RUNS = 30  # runs shown in the index's matrix
SHORT = {"reproduced": "✓", "not_reproduced": "✗", "known_not_reproduced": "x", "inconclusive": "?", "skipped": "s", "error": "!",
         "not_encoded": "·"}


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


TEMPLATES = Path(__file__).resolve().parents[1] / "templates"  # the checkout's templates/, beside experiments/


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["show"] = show
    return env


ARC_CHAPTER = "DLwP1 5"  # the chapter whose progression, scratch to fine-tuning, the report draws first


def headline(claims: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The numbers the report leads with, in catalogue order: chapter, stage, book, every seed, the claim's verdict."""
    verdicts = {claim["id"]: claim["verdict"] for claim in claims}
    rows = []
    for claim in claims:
        for m in claim["measured"]:
            if "headline" not in m:
                continue
            illustrated = m["headline"][2] if len(m["headline"]) > 2 else claim["id"]
            values = m["per_seed"] if "per_seed" in m else m["value"]
            values = values if isinstance(values, list) else [values]
            rows.append({"chapter": m["headline"][0], "stage": m["headline"][1], "claim": illustrated,
                         "verdict": verdicts[illustrated], "book": m["book"], "per_seed": values,
                         "mean": statistics.fmean(values),
                         "spread": statistics.stdev(values) if len(values) > 1 else 0.0})
    return rows


def arc_figure(rows: list[Mapping[str, Any]]) -> str | None:
    """The chapter-5 arc as a base64 PNG, or None when this run did not measure it."""
    stages = [r for r in rows if r["chapter"] == ARC_CHAPTER]
    if not stages:
        return None
    figure = figures.chapter_arc([r["stage"] for r in stages], [r["per_seed"] for r in stages],
                                 [r["book"] for r in stages], f"{ARC_CHAPTER}: test accuracy, every seed, beside the book")
    return base64.b64encode(figures.png_bytes(figure)).decode("ascii")


def render(results: Mapping[str, Any]) -> str:
    claims = results["claims"]
    rows = headline(claims)
    sections: dict[str, list] = {}
    for entry in claims:
        sections.setdefault(entry["section"], []).append(entry)
    return _environment().get_template("report.html.j2").render(
        run=results["run"],
        changes=results.get("changes"),
        since_reference=results.get("since_reference"),
        headline=rows,
        arc_png=arc_figure(rows),
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


def _charts(history: list[Mapping[str, Any]]) -> list[dict[str, str]]:
    """One chart per (profile, claim, judged statistic): its mean over runs, with the band."""
    series: dict[tuple[str, str, str], list[tuple[str, Mapping[str, Any]]]] = {}
    for run in history:
        for claim_id, entry in run["claims"].items():
            for quantity, value in entry["judged"].items():
                series.setdefault((run["profile"], claim_id, quantity), []).append((run["id"], value))
    charts = []
    for (profile, claim_id, quantity), points in series.items():
        points = points[-INDEX_RUNS:]
        last = points[-1][1]
        title = f"{claim_id} · {last.get('label', quantity)} ({profile})"
        charts.append({"title": title, "svg": trend_chart.value_over_runs(
            [p[0][:15] for p in points], [p[1]["mean"] for p in points], [p[1]["spread"] for p in points],
            last["band_low"], last["band_high"], title)})
    return charts


def render_index(history: list[Mapping[str, Any]]) -> str:
    """The history page: claims × runs verdict matrix, newest run first, and the judged statistics over time."""
    return _environment().get_template("index.html.j2").render(
        runs=list(reversed(history[-INDEX_RUNS:])),
        total=len(history),
        claim_ids=[c.id for c in CATALOGUE],
        charts=_charts(history),
        verdicts=VERDICTS,
        labels=VERDICT_LABELS,
        short=SHORT,
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


def merge_main(argv: list[str]) -> int:
    from experiments.publish import publish
    from experiments.shards import ShardError, merge, read

    parser = argparse.ArgumentParser(prog="python -m experiments.report merge",
                                     description="merge the results of shards into one run of DIR")
    parser.add_argument("--report-dir", type=Path, default=Path("reports"), metavar="DIR")
    parser.add_argument("--fail-on-regression", action="store_true",
                        help="exit 1 when a claim reproduced in DIR's previous run of the profile is not reproduced now")
    parser.add_argument("shards", nargs="+", metavar="NAME=PATH", help="each shard's results.json (a missing file: "
                        "the shard died, and its claims are not checked)")
    args = parser.parse_args(argv)
    shards: dict[str, dict[str, Any] | None] = {}
    for name, path in map(read, args.shards):
        try:
            shards[name] = load(path) if path.exists() else None
        except ResultsError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    try:
        results = merge(shards)
    except ShardError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    args.report_dir.mkdir(parents=True, exist_ok=True)
    run_dir = publish(args.report_dir, results)
    print(run_dir / "report.html")
    regressions = history.regression_lines(results["changes"]) if args.fail_on_regression and results["changes"] else []
    for line in regressions:
        print(line, file=sys.stderr)
    broken = results["run"]["incomplete"] or verdict_counts(results["claims"])["error"] or regressions
    return 1 if broken else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["merge"]:
        return merge_main(argv[1:])
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
