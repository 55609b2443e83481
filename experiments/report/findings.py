"""The reference runs and the findings page generated from them: what the project measured, never typed.

    python -m experiments.report.findings keep reports/latest/results.json     # → reports/reference/<profile>.json
    python -m experiments.report.findings page reports/reference/smoke.json > FINDINGS.md

``keep`` stores a run's results.json without its figures' bytes as the
reference of its profile; every later run reports what changed against it.
``page`` writes the findings as Markdown: per section and claim, the book's
number, what was measured (mean and every seed), the band, how it was
judged, the verdict, the departures and, for a claim known not to reproduce,
the reason; then the heavy runs' distance to this CPU's fp32 peak
(reports/reference/peak_share.json), how training shares the cores
(reports/reference/scaling.json), a cold run against the CPU's arithmetic
(reports/reference/cold_arithmetic.json), and the full profile's heavy runs projected
onto a GPU from their FLOP counts (reports/reference/projection.json). tests/test_findings.py checks
that the committed page is exactly what ``page`` makes of the committed files.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Iterable, Mapping

from experiments.claims import SECTIONS
from experiments.paths import REFERENCE_DIR, ROOT, reference_path
from experiments.report.render import show
from experiments.report.results import (
    VERDICT_LABELS,
    VERDICTS,
    ResultsError,
    load_results,
    verdict_counts,
)

PROJECTION = REFERENCE_DIR / "projection.json"  # the full profile's heavy runs at a GPU's fp32 rate, by arithmetic
PEAK_SHARE = REFERENCE_DIR / "peak_share.json"  # the smoke profile's heavy runs against this CPU's fp32 peak
SCALING = REFERENCE_DIR / "scaling.json"  # one core against all, one process against the rule's workers
COLD_ARITHMETIC = REFERENCE_DIR / "cold_arithmetic.json"  # a cold run's FLOP, its floors and its modules' seconds


def without_figures(results: Mapping[str, Any]) -> dict[str, Any]:
    """The run with each figure's title and caption but not its picture."""
    kept = json.loads(json.dumps(results))
    for claim in kept["claims"]:
        for figure in claim["figures"]:
            figure.pop("png_base64", None)
    kept.pop("changes", None)
    kept.pop("since_reference", None)
    return kept


def _cell(value: Any) -> str:
    return show(value).replace("|", "\\|").replace("\n", " ")


def measured_table(reported: list[Mapping[str, Any]]) -> list[str]:
    """The quantities measured once beside the book's; an exact claim measured under both generations of Keras
    also beside Keras 2's, so that a drift is put on the generation where it arose."""
    if any("keras2" in m for m in reported):
        return ["", "| measured | book | Keras 2 | Keras 3 (here) |", "|---|---|---|---|"] + [
            f"| {_cell(m['quantity'])} | {_cell(m['book'])} | {_cell(m.get('keras2'))} | {_cell(m['value'])} |"
            for m in reported]
    return ["", "| measured | here | book |", "|---|---|---|"] + [
        f"| {_cell(m['quantity'])} | {_cell(m['value'])} | {_cell(m['book'])} |" for m in reported]


def _verdict_table(claims: Iterable[Mapping[str, Any]]) -> list[str]:
    by_section: dict[str, list[Mapping[str, Any]]] = {}
    for claim in claims:
        by_section.setdefault(claim["section"], []).append(claim)
    shown = [v for v in VERDICTS if v != "not_encoded"]
    lines = ["| section | " + " | ".join(VERDICT_LABELS[v] for v in shown) + " |",
             "|---|" + "---:|" * len(shown)]
    for section, entries in by_section.items():
        counts = verdict_counts(entries)
        lines.append(f"| {section} | " + " | ".join(str(counts[v] or "") for v in shown) + " |")
    totals = verdict_counts(claims)
    lines.append("| **all** | " + " | ".join(f"**{totals[v]}**" for v in shown) + " |")
    qualified = [c for c in claims if c.get("qualifiers") or c.get("not_checked")]
    if qualified:
        lines += ["", "Verdicts said with what else holds, or with what was not checked:", ""]
        lines += [f"- `{c['id']}`: {VERDICT_LABELS[c['verdict']]} — " + "; ".join(
            [*c.get("qualifiers", []), *(f"not checked: {p}" for p in c.get("not_checked", []))]) for c in qualified]
    return lines


def _claim(entry: Mapping[str, Any]) -> list[str]:
    qualifiers = "".join(f" — {q}" for q in entry.get("qualifiers", []))
    lines = [f"### `{entry['id']}` — {VERDICT_LABELS[entry['verdict']]}{qualifiers}", "", entry["statement"], "",
             f"Source: {entry['source']}. Book: {entry['book']}."]
    if entry.get("book_numbers"):
        lines += ["", "| book number | value | printed in | note |", "|---|---|---|---|"]
        lines += [f"| {n['number']} | {_cell(n['value'])} | {_cell(n['source'])} | {_cell(n['note'])} |"
                  for n in entry["book_numbers"]]
    lines += [f"\nNot checked in this run: {_cell(part)}" for part in entry.get("not_checked", [])]
    judged = [m for m in entry["measured"] if "per_seed" in m and not m.get("control") and not m.get("alongside")]
    controlled = [m for m in entry["measured"] if m.get("control")]
    alongside = [m for m in entry["measured"] if m.get("alongside")]
    reported = [m for m in entry["measured"] if "per_seed" not in m]
    if entry.get("known_failure") and entry["verdict"] == "known_not_reproduced":
        lines += ["", f"Known not to reproduce: {entry['known_failure']}"]
    if judged:
        lines += ["", "| statistic | book | measured (mean ± sd) | per seed | band | judged |", "|---|---|---|---|---|---|"]
        for m in judged:
            judgement = (m["explanation"].removeprefix(f"{m['quantity']}: ") if m.get("explanation")
                         else "holds" if m["holds"] else "fails")
            lines.append(f"| {_cell(m['quantity'])} | {_cell(m['book'])} | {show(m['value'])} ± {m['spread']:.2g} "
                         f"| {_cell(m['per_seed'])} | {_cell(m['band'])} | {_cell(judgement)} |")
    if controlled:
        principal = entry.get("control_principal")
        lines += ["", f"Negative control ({entry.get('control_kind') or 'control'}), which must fail its principal "
                  f"band: {entry['control']}", "",
                  "| statistic, on the control | mean ± sd | per seed | band | judged |", "|---|---|---|---|---|"]
        lines += [f"| {_cell(m['quantity'])}{' **(principal)**' if m.get('band_id') == principal else ''} "
                  f"| {show(m['value'])} ± {m['spread']:.2g} | {_cell(m['per_seed'])} "
                  f"| {_cell(m['band'])} | {m['outcome']} |" for m in controlled]
    elif entry.get("no_control"):
        lines += ["", f"No negative control: {entry['no_control']}"]
    if alongside:
        lines += ["", "Alongside, judged by the same bands, under no obligation to fail them: "
                  + " ".join(entry.get("alongside", [])), "",
                  "| statistic, alongside | mean ± sd | per seed | band | judged |", "|---|---|---|---|---|"]
        lines += [f"| {_cell(m['quantity'])} ({m['alongside']}) | {show(m['value'])} ± {m['spread']:.2g} "
                  f"| {_cell(m['per_seed'])} | {_cell(m['band'])} | {m['outcome']} |" for m in alongside]
    if reported:
        lines += measured_table(reported)
    if entry["departures"]:
        lines += ["", "Departures from the book:", ""] + [f"- {d}" for d in entry["departures"]]
    told = [t for t in entry["tests"] if t["verdict"] not in ("reproduced",) and t["message"]]
    if told:
        lines += ["", "Why:", ""] + [f"- `{t['test'].split('::')[-1]}` ({VERDICT_LABELS[t['verdict']]}): "
                                     f"{_cell(t['message'])}" for t in told]
    return lines + [""]


def _projection(projected: Mapping[str, Any]) -> list[str]:
    """The full profile's heavy runs on a GPU, by arithmetic (``python -m experiments.harness.preflight --arithmetic``),
    beside the host's time an epoch measured on the machine that wrote it."""
    path = PROJECTION.relative_to(ROOT).as_posix()
    arithmetic, host = projected["minutes"], projected["host_minutes"]
    lines = ["## The full profile on a GPU, by arithmetic", "",
             f"Generated from `{path}`, which `python -m experiments.harness.preflight --arithmetic {projected['tflops']:g} "
             f"--json {path}` writes. The arithmetic: each heavy run's FLOP counted from its model (training steps on "
             "the book's 2,000 photographs and a validation pass on its 1,000, every epoch), at "
             f"{projected['tflops']:g} TFLOP/s of fp32 sustained throughout; no GPU has run the suite, and a real one "
             "runs below its datasheet rate. The host: an epoch of the suite's fit of the same images, batches and "
             "validation through a model with next to no arithmetic (a fit of five epochs less a fit of one: what a "
             "run pays once is left out), measured on "
             f"{projected['host_measured_on']} — the shuffling, batching, copying and looping a GPU's host does too. "
             "tf.data prefetches, so the host's time overlaps the GPU's: the night takes between the larger of the "
             f"two and their sum, {max(arithmetic, host):.0f}–{arithmetic + host:.0f} min here.", "",
             "| run | px | runs × epochs | TFLOP an epoch | PFLOP | GPU minutes | host s an epoch | host minutes |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['name']} | {r['size']} | {r['runs']} × {r['epochs']} | {r['flop_per_epoch'] / 1e12:.2f} "
              f"| {r['flop'] / 1e15:.2f} | {r['minutes']:.1f} | {r['host_seconds_per_epoch']:.2f} "
              f"| {r['host_minutes']:.1f} |" for r in projected["runs"]]
    lines += [f"| **all, {projected['seeds']} seeds** | | | | **{sum(r['flop'] for r in projected['runs']) / 1e15:.1f}** "
              f"| **{arithmetic:.0f}** | | **{host:.0f}** |", ""]
    if projected.get("shard_limit_minutes"):
        lines += [f"The nightly workflow runs three shards, each allowed {projected['shard_limit_minutes']} min.", ""]
    return lines


def _peak_share(measured: Mapping[str, Any]) -> list[str]:
    """The heavy runs' distance to the CPU's fp32 peak (benchmarks/peak_share.py --json)."""
    path = PEAK_SHARE.relative_to(ROOT).as_posix()
    peak = measured["peak"]
    lines = ["## The heavy runs against this CPU's fp32 peak", "",
             f"Generated from `{path}`, which `.venv/bin/python benchmarks/peak_share.py --profile "
             f"{measured['profile']} --json {path}` writes on {measured['measured_on']}: the {measured['profile']} "
             "profile's heavy runs, each epoch's FLOP counted from the model, its seconds measured from "
             f"{measured['steps']} steps after a warm-up one, as the suite trains it and as the book's plain "
             f"`model.fit` does, in one process, {measured['repetitions']} times in pairs back to back (the first of a "
             "pair alternating): the medians, their range, and the median of the pairs' ratios. The peak: "
             f"{peak['cores']} cores × {peak['ghz']:.2f} GHz × "
             f"{peak['fp32_lanes']} fp32 lanes ({peak['vector']}) × 2 (a multiply-add) × {peak['fma_units']} FMA "
             f"units a core (assumed) = {peak['gflops']:.0f} GFLOP/s.", "",
             "| run | px | GFLOP an epoch | s an epoch, suite (range) | book's fit (range) | suite / book, median of "
             "pairs | share of the peak, suite | book's fit |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for run in measured["runs"]:
        gflop = run["flop_per_epoch"] / 1e9
        suite, book = run["suite_seconds_per_epoch"], run["book_seconds_per_epoch"]
        lines.append(f"| {run['name']} | {run['size']} | {gflop:.0f} "
                     f"| {suite:.1f} ({min(run['suite_seconds']):.1f}–{max(run['suite_seconds']):.1f}) "
                     f"| {book:.1f} ({min(run['book_seconds']):.1f}–{max(run['book_seconds']):.1f}) "
                     f"| {run['suite_over_book']:.2f} "
                     f"| {gflop / suite / peak['gflops']:.0%} | {gflop / book / peak['gflops']:.0%} |")
    return lines + [""]


def _scaling(measured: Mapping[str, Any]) -> list[str]:
    """Training throughput by layout of processes and threads, and the rule's choices (benchmarks/scaling.py --json)."""
    path = SCALING.relative_to(ROOT).as_posix()
    lines = ["## How training shares the cores", "",
             f"Generated from `{path}`, which `.venv/bin/python benchmarks/scaling.py --json {path}` writes: "
             f"{measured['run']}, {measured['steps']} training steps in each process of a layout, its processes "
             f"pinned to the cores and started together, {measured['repetitions']} rounds, the layouts taking turns. "
             "Throughput is epochs of 2,000 images a minute, all of a layout's processes added.", "",
             "| layout | median | range |", "|---|---:|---:|"]
    lines += [f"| {layout['name']} | {layout['median']:.1f} | {min(layout['epochs_per_minute']):.1f}–"
              f"{max(layout['epochs_per_minute']):.1f} |" for layout in measured["layouts"]]
    lines += ["", "Weights after the same steps from the same seed, by intra-op threads (a run's key holds them): "
              + "; ".join(f"{threads}: `{'`, `'.join(found)}`" for threads, found
                          in measured["weights_by_intra_op_threads"].items()) + ".", "",
              "The rule (`experiments/run/threads.py`): " + ", ".join(
                  f"{row['cores']} cores → {row['workers']} × {row['threads']}" for row in measured["rule"])
              + " (workers × intra- and inter-op threads each).", ""]
    return lines


def _cold_arithmetic(measured: Mapping[str, Any]) -> list[str]:
    """A cold run's arithmetic beside this CPU's peak, and its modules' seconds (benchmarks/cold_arithmetic.py)."""
    path = COLD_ARITHMETIC.relative_to(ROOT).as_posix()
    cold, peak = measured["cold_run"], measured["peak"]
    lines = ["## A cold run against this CPU's arithmetic", "",
             f"Generated from `{path}`, which `.venv/bin/python benchmarks/cold_arithmetic.py CACHE --results "
             f"RESULTS --json {path}` writes from a cold `make test` into an empty cache (commit "
             f"`{cold['git_commit'][:12]}`, {cold['workers']} workers of {cold['threads']} intra-op thread(s)). "
             f"Its pytest took {cold['duration_s'] / 60:.1f} min. Its {measured['runs']} training runs did "
             f"{measured['flop'] / 1e12:.1f} TFLOP in {measured['seconds_trained'] / 60:.1f} min of training added "
             f"over the workers: {measured['seconds_trained'] / measured['workers'] / 60:.1f} min each, split "
             f"perfectly. At this CPU's fp32 peak ({peak['gflops']:.0f} GFLOP/s) the FLOP take "
             f"{measured['peak_minutes']:.1f} min; at the best rate one run reached, times the workers, "
             f"{measured['best_rate_minutes']:.1f} min.", "",
             "| recipe (seeds added) | runs | TFLOP | min trained | GFLOP/s |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {_cell(row['recipe'])} | {row['runs']} | {row['flop'] / 1e12:.1f} | {row['seconds'] / 60:.1f} "
              f"| {row['flop'] / row['seconds'] / 1e9:.1f} |" for row in measured["recipes"]]
    lines += ["", "| test module (at least 1% of the run) | cold s |", "|---|---:|"]
    lines += [f"| `{module}` | {seconds:.0f} |" for module, seconds in measured["module_seconds"].items()
              if seconds >= cold["duration_s"] / 100]
    return lines + [""]


def _documents(documents: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The table of the revisions the book numbers were read from."""
    if not documents:
        return []
    lines = ["## Sources of the book numbers", "",
             "| source | what | repository | path | revision | date | to know |", "|---|---|---|---|---|---|---|"]
    lines += [f"| {key} | {_cell(d['title'])} | {d['repository'] or '—'} | {_cell(d['path']) if d['path'] else '—'} "
              f"| {'`' + d['revision'][:12] + '`' if d['revision'] else '—'} | {d['date'] or '—'} "
              f"| {_cell(d['remark']) if d['remark'] else ''} |" for key, d in documents.items()]
    return lines + [""]


def page(results: Mapping[str, Any], source: str, projected: Mapping[str, Any] | None = None,
         peak_share: Mapping[str, Any] | None = None, scaling: Mapping[str, Any] | None = None,
         cold: Mapping[str, Any] | None = None) -> str:
    run = results["run"]
    versions = ", ".join(f"{k} {run['versions'][k]}" for k in ("tensorflow", "tensorflow-cpu", "keras", "numpy")
                         if k in run["versions"])
    claims = [c for c in results["claims"] if c["verdict"] != "not_encoded"]
    lines = [
        f"# Findings: the {run['profile']} profile",
        "",
        f"Generated by `python -m experiments.report.findings page {source}` from the reference run `{run['id']}` "
        f"(commit `{run['git_commit']}`, {run['seeds']} seeds, {run['device']['cpu']} × {run['device']['cpu_count']}"
        f"{', GPUs: ' + ', '.join(run['device']['gpus']) if run['device']['gpus'] else ''}; {versions}; "
        f"the run took {run['duration_s'] / 60:.1f} min). "
        "Do not edit it by hand: run the suite, keep the run as the reference, and generate the page again.",
        "",
        f"Profile: {run['profile_description']}",
        "",
        *_verdict_table(claims),
        "",
    ]
    for section in dict.fromkeys(SECTIONS.values()):
        entries = [c for c in claims if c["section"] == section]
        if not entries:
            continue
        lines += [f"## {section}", ""]
        for entry in entries:
            lines += _claim(entry)
    lines += _documents(results.get("documents", {}))
    if peak_share is not None:
        lines += _peak_share(peak_share)
    if scaling is not None:
        lines += _scaling(scaling)
    if cold is not None:
        lines += _cold_arithmetic(cold)
    if projected is not None:
        lines += _projection(projected)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m experiments.report.findings", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    keep = commands.add_parser("keep", help="store a run's results.json, without figures, as its profile's reference")
    keep.add_argument("results", type=Path)
    show_page = commands.add_parser("page", help="print the findings page of a reference run as Markdown")
    show_page.add_argument("reference", type=Path)
    args = parser.parse_args(argv)
    try:
        results = load_results(args.results if args.command == "keep" else args.reference)
    except ResultsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.command == "keep":
        target = reference_path(results["run"]["profile"])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(without_figures(results), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(target)
        return 0
    projected, peak_share, scaling, cold = (json.loads(path.read_text()) if path.is_file() else None
                                            for path in (PROJECTION, PEAK_SHARE, SCALING, COLD_ARITHMETIC))
    sys.stdout.write(page(results, args.reference.as_posix(), projected, peak_share, scaling, cold))
    return 0


if __name__ == "__main__":
    sys.exit(main())
