"""What one check records about its claim: measured values, figures, departures from the book.

An `Evidence` lives for one test. Its `payload()` is plain JSON-ready data, so
pytest-xdist can carry it from a worker to the controller inside the test
report.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from experiments.figures import png_bytes
from experiments.stats import Judgement, judge

if TYPE_CHECKING:
    from experiments.claims import Claim


def jsonable(value: Any) -> Any:
    """NumPy scalars and arrays, tuples and nested containers as JSON types."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


@dataclass
class Evidence:
    claim_id: str
    measured: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, str]] = field(default_factory=list)
    departures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def measure(self, quantity: str, value: Any, book: Any = None) -> Any:
        """Record a measured quantity beside the book's number for it; returns ``value``."""
        self.measured.append({"quantity": quantity, "value": jsonable(value), "book": jsonable(book)})
        return value

    def judged(self, judgement: Judgement, book: Any = None) -> bool:
        """Record a statistic judged over seeds: its mean, every seed's value, the band; returns whether it holds."""
        self.measured.append({
            "quantity": judgement.statistic,
            "value": judgement.mean,
            "book": jsonable(book),
            "per_seed": list(judgement.per_seed),
            "spread": judgement.spread,
            "band": str(judgement.band),
            "band_low": judgement.band.low,
            "band_high": judgement.band.high,
            "holds": judgement.holds,
        })
        if judgement.too_close_to_call:
            self.note(f"{judgement.statistic}: the mean {judgement.mean:.4g} lies within one standard error "
                      f"({judgement.standard_error:.2g}) of its band {judgement.band}: these seeds cannot tell on which "
                      f"side of the band the statistic really lies.")
        return judgement.holds

    def judge_bands(self, claim: Claim, per_seed: Mapping[str, Sequence[float]]) -> list[str]:
        """Judge each of ``claim``'s bands on its statistic's per-seed values and record it; the failed ones, described."""
        if set(per_seed) != set(claim.bands):
            raise ValueError(f"{claim.id}: statistics {sorted(per_seed)} do not match its bands {sorted(claim.bands)}")
        judgements = [judge(name, per_seed[name], band) for name, band in claim.bands.items()]
        for judgement in judgements:
            self.judged(judgement)
        return [j.describe() for j in judgements if not j.holds]

    def figure(self, title: str, figure: Figure | bytes, caption: str = "") -> None:
        """Record a figure (a matplotlib Figure or PNG bytes) to embed in the report."""
        png = figure if isinstance(figure, bytes) else png_bytes(figure)
        self.figures.append(
            {"title": title, "caption": caption, "png_base64": base64.b64encode(png).decode("ascii")}
        )

    def departure(self, text: str) -> None:
        """Record where this run departs from the book's setting, and why."""
        self.departures.append(text)

    def note(self, text: str) -> None:
        self.notes.append(text)

    def payload(self) -> dict[str, Any]:
        return {
            "measured": self.measured,
            "figures": self.figures,
            "departures": self.departures,
            "notes": self.notes,
        }
