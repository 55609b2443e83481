"""The history index's SVG charts: each run's mean where it belongs, its spread, the band, nothing unescaped."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest

from experiments.report.trend_chart import BOTTOM, TOP, value_over_runs

SVG = "{http://www.w3.org/2000/svg}"


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML, or this raises


def points(root: ET.Element) -> list[tuple[float, float]]:
    return [(float(c.get("cx")), float(c.get("cy"))) for c in root.iter(f"{SVG}circle")]


def test_each_run_is_a_point_left_to_right_higher_for_a_higher_mean():
    root = parsed(value_over_runs(["r1", "r2", "r3"], [0.91, 0.95, 0.93], [0.01, 0.0, 0.02], 0.9, None, "c · acc"))
    (x1, y1), (x2, y2), (x3, y3) = points(root)
    assert x1 < x2 < x3 and y2 < y3 < y1 and all(TOP <= y <= BOTTOM for y in (y1, y2, y3))
    assert len([p for p in root.iter(f"{SVG}path")]) == 2  # error bars for the runs with a spread only
    (band,) = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "band"]
    assert float(band.get("y")) == pytest.approx(TOP, abs=1.0)  # open above: the band runs to the top
    assert float(band.get("y")) + float(band.get("height")) > y1  # and down past the lowest mean (0.91 ≥ 0.9)


def test_no_band_no_shading_and_a_nan_mean_has_no_point():
    root = parsed(value_over_runs(["r1", "r2"], [math.nan, 2.0], [0.0, 0.5], None, None, "c · loss"))
    assert not [r for r in root.iter(f"{SVG}rect") if r.get("class") == "band"]
    assert len(points(root)) == 1 and "nan" not in ET.tostring(root, encoding="unicode")


def test_titles_and_labels_are_escaped():
    svg = value_over_runs(["<b>run</b>"], [1.0], [0.0], 0.0, 2.0, 'x <script>alert(1)</script> & "y"')
    assert "<script>" not in svg and "<b>" not in svg
    assert parsed(svg).find(f"{SVG}title").text == 'x <script>alert(1)</script> & "y"'
