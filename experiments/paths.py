"""Where the checkout's own files are: one place for every path the library reads beside its code."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the checkout: experiments/ lies in it
TEMPLATES = ROOT / "templates"  # the report's and the history index's Jinja2 templates
REFERENCE_DIR = ROOT / "reports" / "reference"  # the committed reference runs
WORKFLOW = ROOT / ".github" / "workflows" / "nightly.yml"
SHARED_DATASETS = ROOT.parent / "shared" / "datasets"  # a development copy beside the checkout, where there is one


def reference_path(profile: str) -> Path:
    """The committed reference run of ``profile``."""
    return REFERENCE_DIR / f"{profile}.json"
