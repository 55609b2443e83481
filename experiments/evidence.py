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
from experiments.stats import DEFAULT_CONFIDENCE, Band, Judgement, judge

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
    confidence: float = DEFAULT_CONFIDENCE  # of the intervals judged statistics are held to (--confidence)
    measured: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, str]] = field(default_factory=list)
    departures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def measure(self, quantity: str, value: Any, book: Any = None, headline: tuple[str, ...] | None = None) -> Any:
        """Record a measured quantity beside the book's number for it; returns ``value``.

        ``headline``: (chapter, stage[, the claim it illustrates, when not this one]) for a number the report
        leads with, per seed in ``value``.
        """
        entry = {"quantity": quantity, "value": jsonable(value), "book": jsonable(book)}
        if headline is not None:
            entry["headline"] = list(headline)
        self.measured.append(entry)
        return value

    def judge(self, statistic: str, per_seed: Sequence[float], band: Band, book: Any = None,
              headline: tuple[str, ...] | None = None, band_id: str | None = None) -> Judgement:
        """Judge ``per_seed`` against ``band`` at this run's confidence, and record it."""
        judgement = judge(statistic, per_seed, band, self.confidence)
        self.judged(judgement, book, headline, band_id)
        return judgement

    def judged(self, judgement: Judgement, book: Any = None, headline: tuple[str, ...] | None = None,
               band_id: str | None = None) -> str:
        """Record a statistic judged over seeds: its mean, every seed's value, the band, the outcome; returns it."""
        outcome = judgement.outcome
        self.measured.append({
            "quantity": judgement.statistic,
            "value": judgement.mean,
            "book": jsonable(book),
            "per_seed": list(judgement.per_seed),
            "spread": judgement.spread,
            "standard_error": judgement.standard_error,
            "confidence": judgement.confidence,
            "interval_margin": judgement.margin if judgement.margin != float("inf") else None,
            "judged_exactly": judgement.judged_exactly,
            "band": str(judgement.band),
            "band_low": judgement.band.low,
            "band_high": judgement.band.high,
            "holds": outcome == "holds",
            "outcome": outcome,
            "seeds_to_settle": judgement.seeds_to_settle if outcome == "inconclusive" else None,
            "explanation": judgement.explain(),
            **({"headline": list(headline)} if headline is not None else {}),
            **({"band_id": band_id} if band_id is not None else {}),
        })
        return outcome

    def judge_band(self, claim: Claim, band_id: str, per_seed: Sequence[float], book: Any = None,
                   headline: tuple[str, ...] | None = None) -> Judgement:
        """Judge the statistic of ``claim``'s band ``band_id`` on its per-seed values, under the band's label."""
        band = claim.bands[band_id]
        return self.judge(band.label, per_seed, band, book, headline, band_id)

    def judge_bands(self, claim: Claim, per_seed: Mapping[str, Sequence[float]]) -> list[str]:
        """Judge each of ``claim``'s bands (by id) on its statistic's per-seed values; the failed ones, described.

        A band the seeds cannot decide is recorded as inconclusive, not failed:
        the plugin turns a check whose only doubts are these into an
        inconclusive verdict.
        """
        if set(per_seed) != set(claim.bands):
            raise ValueError(f"{claim.id}: statistics {sorted(per_seed)} do not match its bands {sorted(claim.bands)}")
        judgements = [self.judge_band(claim, band_id, per_seed[band_id]) for band_id in claim.bands]
        return [j.describe() for j in judgements if j.fails]

    def inconclusive(self) -> list[str]:
        """The explanations of the judged statistics these seeds could not decide."""
        return [m["explanation"] for m in self.measured if m.get("outcome") == "inconclusive"]

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
