"""The report's command line.

Re-render a run without re-running anything:

    python -m experiments.report reports/<run-id>/results.json [-o page.html]

Merge the runs of shards into one run, report and history entry (experiments/report/shards.py):

    python -m experiments.report merge --report-dir reports NAME=shard/results.json ...
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from experiments.report import history
from experiments.report.publish import publish
from experiments.report.render import render
from experiments.report.results import ResultsError, load_results, verdict_counts
from experiments.report.shards import ShardError, merge, read


def merge_main(argv: list[str]) -> int:
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
            shards[name] = load_results(path) if path.exists() else None
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
    parser = argparse.ArgumentParser(prog="python -m experiments.report", description="render a run's results.json as its HTML report")
    parser.add_argument("results", type=Path, help="a results.json written by a run")
    parser.add_argument("-o", "--output", type=Path, help="where to write the page (default: report.html beside it)")
    args = parser.parse_args(argv)
    try:
        results = load_results(args.results)
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
