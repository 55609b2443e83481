"""The report as a reader opens it: headless Chromium, no network, the first screen photographed.

The page is the committed reference run rendered as a run renders it. Its
first screen must show the headline table and the chapter-5 arc; it must load
nothing from anywhere (its Content-Security-Policy allows only inline styles
and data: images); and its filter, plain CSS under that policy, must hide the
claims of other verdicts. The screenshot is kept in reports/screenshots/. The
history index of that run, opened the same way, must load nothing either and
draw each judged statistic's chart with its point inside the plot.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from experiments.report import history
from experiments.report.render import render, render_index
from experiments.report.results import load_results

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREEN = {"width": 1400, "height": 900}
playwright = pytest.importorskip("playwright.sync_api", reason="needs the playwright package (pip install playwright)")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield launched
        launched.close()


def opened_offline(browser, page_path: Path):
    """(the page, the addresses it asked for, its path), opened with no network."""
    page = browser.new_context(viewport=SCREEN, offline=True).new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_path.as_uri())
    page.wait_for_load_state("load")
    return page, requests, page_path


@pytest.fixture(scope="module")
def opened(browser, tmp_path_factory):
    page_path = tmp_path_factory.mktemp("report") / "report.html"
    page_path.write_text(render(load_results(ROOT / "reports" / "reference" / "smoke.json")), encoding="utf-8")
    return opened_offline(browser, page_path)


@pytest.fixture(scope="module")
def opened_index(browser, tmp_path_factory):
    page_path = tmp_path_factory.mktemp("index") / "index.html"
    summary = history.summarise(load_results(ROOT / "reports" / "reference" / "smoke.json"))
    page_path.write_text(render_index([summary]), encoding="utf-8")
    return opened_offline(browser, page_path)


def test_the_first_screen_shows_the_headline_and_the_arc(opened):
    page, _, _ = opened
    shots = ROOT / "reports" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "report-first-screen.png"))
    for selector in (".headline table", 'img[alt="The chapter-5 arc: book against measured"]'):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["y"] + box["height"] <= SCREEN["height"], f"{selector} is not on the first screen: {box}"
    assert page.locator('img[alt="The chapter-5 arc: book against measured"]').evaluate("image => image.naturalWidth") > 0


def test_the_page_asks_for_nothing(opened):
    _, requests, page_path = opened
    assert requests == [page_path.as_uri()]


def test_the_filter_shows_one_verdict_without_a_script(opened):
    page, _, _ = opened
    claims = page.locator("main .claim")
    reproduced = page.locator("main .claim.c-reproduced").first
    assert reproduced.is_visible()
    others = [v for v in ("not_reproduced", "known_not_reproduced", "inconclusive", "skipped")
              if page.locator(f'label[for="show-{v}"]').count()]
    page.click(f'label[for="show-{others[0]}"]')
    assert not reproduced.is_visible()
    assert all(c.is_visible() for c in page.locator(f"main .claim.c-{others[0]}").all())
    page.click('label[for="show-any"]')
    assert reproduced.is_visible() and claims.count() > 0


def test_the_index_draws_every_chart_and_asks_for_nothing(opened_index):
    page, requests, page_path = opened_index
    assert requests == [page_path.as_uri()]
    charts = page.locator("figure svg").all()
    assert charts, "the reference run judged statistics: the index must chart them"
    for chart in charts:
        box, point = chart.bounding_box(), chart.locator("circle.mean").bounding_box()
        assert box["width"] > 0 and box["height"] > 0
        assert box["x"] <= point["x"] <= box["x"] + box["width"] and box["y"] <= point["y"] <= box["y"] + box["height"]
