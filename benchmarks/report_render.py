"""Size and render time of a run's report, on this machine.

    .venv/bin/python benchmarks/report_render.py [reports/<run-id>/results.json] [--repeats 5]

Renders the page from results.json as `python -m experiments.report` does,
--repeats times, and reports the median time, the page's size and how much of
it is inline figures. The default is the newest run (reports/latest). Nothing
is written: the pages are rendered in memory.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

from experiments.report.render import render
from experiments.report.results import ResultsError, load_results

INLINE_PNG = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]*)"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("results", type=Path, nargs="?", default=Path("reports/latest/results.json"))
    parser.add_argument("--repeats", type=int, default=5, help="renders to take the median of")
    args = parser.parse_args()
    try:
        results = load_results(args.results)
    except ResultsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    seconds = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        page = render(results)
        seconds.append(time.perf_counter() - started)
    size = len(page.encode("utf-8"))
    figures = INLINE_PNG.findall(page)
    figure_bytes = sum(len(encoded) for encoded in figures)
    print("| results.json | claims | render (median of {}) | report.html | inline figures |".format(args.repeats))
    print("|---|---|---|---|---|")
    print(f"| {args.results.stat().st_size / 1e6:.1f} MB | {len(results['claims'])} | {statistics.median(seconds) * 1e3:.0f} ms "
          f"| {size / 1e6:.2f} MB | {len(figures)}, {figure_bytes / size:.0%} of the page |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
