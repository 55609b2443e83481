"""The history index's charts: one judged statistic across runs, mean ± spread per run, its band shaded.

Written as SVG by hand rather than drawn by matplotlib: the index redraws every
chart at the end of every run (about 50 of them, each over up to 30 runs), and
matplotlib took a quarter of a second for each. The page embeds the SVG as it is.
"""

from __future__ import annotations

import math
from html import escape

WIDTH, HEIGHT = 500, 240
LEFT, RIGHT, TOP, BOTTOM = 64, 490, 28, 170  # the plot area; the run ids hang below it, slanted
BAND, LINE = "#2ca02c", "#1f77b4"  # matplotlib's C2 and C0, as the report's figures colour them


def value_range(means: list[float], spreads: list[float], low: float | None, high: float | None) -> tuple[float, float]:
    """The y range shown: every mean ± its spread and the band's finite edges, with a margin of a twentieth."""
    values = [m - s for m, s in zip(means, spreads)] + [m + s for m, s in zip(means, spreads)]
    values += [edge for edge in (low, high) if edge is not None]
    values = [v for v in values if math.isfinite(v)] or [0.0]
    bottom, top = min(values), max(values)
    margin = (top - bottom) / 20 or max(abs(top) / 10, 1e-3)
    return bottom - margin, top + margin


def value_over_runs(labels: list[str], means: list[float], spreads: list[float],
                    low: float | None, high: float | None, title: str) -> str:
    """An <svg> of ``means`` (one per run, labelled by ``labels``) with error bars of ``spreads`` over the band
    [``low``, ``high``] (an edge None is open)."""
    bottom, top = value_range(means, spreads, low, high)

    def y(value: float) -> float:
        return BOTTOM - (min(max(value, bottom), top) - bottom) / (top - bottom) * (BOTTOM - TOP)

    def x(index: int) -> float:
        return LEFT + (index + 0.5) * (RIGHT - LEFT) / len(means)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
             f'height="{HEIGHT}" role="img" aria-label="{escape(title)}" font-family="sans-serif">',
             f"<title>{escape(title)}</title>",
             f'<text x="{WIDTH / 2:.1f}" y="16" font-size="12" text-anchor="middle">{escape(title)}</text>',
             f'<rect x="{LEFT}" y="{TOP}" width="{RIGHT - LEFT}" height="{BOTTOM - TOP}" fill="none" stroke="#444"/>']
    if low is not None or high is not None:
        band_top, band_bottom = y(top if high is None else high), y(bottom if low is None else low)
        parts.append(f'<rect class="band" x="{LEFT}" y="{band_top:.1f}" width="{RIGHT - LEFT}" '
                     f'height="{band_bottom - band_top:.1f}" fill="{BAND}" fill-opacity="0.15"/>')
    for tick in (bottom, (bottom + top) / 2, top):
        parts.append(f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" font-size="10" text-anchor="end">{tick:.3g}</text>')
    drawn = [i for i, mean in enumerate(means) if math.isfinite(mean)]  # a run whose mean is NaN has no point
    parts.append(f'<polyline fill="none" stroke="{LINE}" stroke-width="1.5" '
                 f'points="{" ".join(f"{x(i):.1f},{y(means[i]):.1f}" for i in drawn)}"/>')
    for i, (mean, spread, label) in enumerate(zip(means, spreads, labels, strict=True)):
        parts.append(f'<text font-size="8" text-anchor="end" transform="translate({x(i):.1f},{BOTTOM + 12}) '
                     f'rotate(-30)">{escape(label)}</text>')
        if i not in drawn:
            continue
        if math.isfinite(spread) and spread > 0:
            high_end, low_end = y(mean + spread), y(mean - spread)
            parts.append(f'<path stroke="{LINE}" d="M{x(i):.1f},{high_end:.1f}V{low_end:.1f}'
                         f'M{x(i) - 3:.1f},{high_end:.1f}h6M{x(i) - 3:.1f},{low_end:.1f}h6"/>')
        parts.append(f'<circle class="mean" cx="{x(i):.1f}" cy="{y(mean):.1f}" r="3" fill="{LINE}">'
                     f"<title>{escape(label)}: {mean:.4g} ± {spread:.2g}</title></circle>")
    parts.append("</svg>")
    return "".join(parts)
