"""results.json → one self-contained HTML page (Jinja2, autoescaped, figures inline), and the history index.

The command line that renders a run again, or merges shards, is experiments/report/cli.py.
"""

from __future__ import annotations

import base64
import statistics
from typing import Any, Mapping

import jinja2

from experiments import figures
from experiments.claims import CATALOGUE, SOURCES
from experiments.claims.transfer import ARC_CHAPTER
from experiments.paths import TEMPLATES
from experiments.report import trend_chart
from experiments.report.results import VERDICT_LABELS, VERDICTS, verdict_counts

INDEX_RUNS = 30  # runs shown in the index's matrix
SHORT = {"reproduced": "✓", "not_reproduced": "✗", "known_not_reproduced": "x", "inconclusive": "?",
         "partly_checked": "½", "skipped": "s", "error": "!", "not_encoded": "·"}


def show(value: Any) -> str:
    """A measured or book value as a person reads it: 3,453,121; (4, 4, 512); — for none.

    A count stands alone and takes thousands separators; integers inside a
    tuple are a shape's axes, and (3136,) must not read as (3,136,).
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return _show(value)


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(_show(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {show(v)}" for k, v in value.items())
    return str(value)




def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["show"] = show
    return env





def headline(claims: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The numbers the report leads with, in catalogue order: chapter, stage, book, every seed, the claim's verdict."""
    by_id = {claim["id"]: claim for claim in claims}
    rows = []
    for claim in claims:
        for m in claim["measured"]:
            if "headline" not in m:
                continue
            illustrated = m["headline"][2] if len(m["headline"]) > 2 else claim["id"]
            values = m["per_seed"] if "per_seed" in m else m["value"]
            values = values if isinstance(values, list) else [values]
            rows.append({"chapter": m["headline"][0], "stage": m["headline"][1], "claim": illustrated,
                         "verdict": by_id[illustrated]["verdict"], "qualifiers": by_id[illustrated].get("qualifiers", []),
                         "departures": by_id[illustrated].get("short_departures", []), "book": m["book"], "per_seed": values,
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
        documents=results.get("documents", {}),
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
