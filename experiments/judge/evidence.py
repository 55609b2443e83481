"""What one check records about its claim: measured values, figures, departures from the book.

An `Evidence` lives for one test. Its `payload()` is plain JSON-ready data, so
pytest-xdist can carry it from a worker to the controller inside the test
report.

A stochastic claim is judged twice by the same statistics and bands: on the
runs it is about (`judge_bands`), and on its negative control
(`judge_control`, the catalogue's ``control`` says what that is), which must
fail them. A control that passes is an error of the check, not a verdict on
the claim: the check could not have failed.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from experiments.claims.bands import Band
from experiments.figures import png_bytes
from experiments.judge.stats import DEFAULT_CONFIDENCE, Judgement, judge

if TYPE_CHECKING:
    from experiments.claims import Claim


class CheckCannotFail(Exception):
    """A claim's negative control passed its bands: the check would pass whatever the runs did."""


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
    claim: Claim
    confidence: float = DEFAULT_CONFIDENCE  # of the intervals judged statistics are held to (--confidence)
    measured: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, str]] = field(default_factory=list)
    departures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    control_doubt: str = ""  # why the seeds cannot show that the control fails, when they cannot
    cannot_fail: str = ""  # why the check cannot fail, when its control holds every band its runs hold

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
              headline: tuple[str, ...] | None = None, band_id: str | None = None, control: bool = False) -> Judgement:
        """Judge ``per_seed`` against ``band`` at this run's confidence, and record it."""
        judgement = judge(statistic, per_seed, band, self.confidence)
        self.judged(judgement, book, headline, band_id, control)
        return judgement

    def judged(self, judgement: Judgement, book: Any = None, headline: tuple[str, ...] | None = None,
               band_id: str | None = None, control: bool = False) -> str:
        """Record a statistic judged over seeds: its mean, every seed's value, the band, the outcome; returns it.

        ``control``: judged on the claim's negative control, where failing the band is what must happen.
        """
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
            **({"control": True} if control else {}),
        })
        return outcome

    def judge_band(self, band_id: str, per_seed: Sequence[float], book: Any = None,
                   headline: tuple[str, ...] | None = None) -> Judgement:
        """Judge the statistic of the claim's band ``band_id`` on its per-seed values, under the band's label,
        beside ``book`` or else the book's value the catalogue works out for it."""
        band = self.claim.bands[band_id]
        book = self.claim.book_value(band_id) if book is None else book
        return self.judge(band.label, per_seed, band, book, headline, band_id)

    def judge_bands(self, per_seed: Mapping[str, Sequence[float]]) -> list[str]:
        """Judge each of the claim's bands (by id) on its statistic's per-seed values; the failed ones, described.

        A band the seeds cannot decide is recorded as inconclusive, not failed:
        the plugin turns a check whose only doubts are these into an
        inconclusive verdict.
        """
        self._match_bands(per_seed)
        judgements = [self.judge_band(band_id, per_seed[band_id]) for band_id in self.claim.bands]
        return [j.describe() for j in judgements if j.fails]

    def judge_control(self, per_seed: Mapping[str, Sequence[float]]) -> str:
        """Judge the claim's bands on its negative control's statistics; the control's outcome.

        "fails" when at least one band fails, as it must. A control that holds
        every band ("holds") makes the check an error once it has recorded
        the rest of its evidence (the plugin raises CheckCannotFail with
        ``cannot_fail``), unless the claim's own runs already failed a band
        (judged first): that check has shown it can fail, and the control that
        holds too is noted beside the failure. One whose seeds cannot decide
        (no band fails, some are inconclusive) leaves the check inconclusive:
        these seeds cannot show that the check could fail.
        """
        self._match_bands(per_seed)
        judgements = [self.judge(band.label, per_seed[band_id], band, band_id=band_id, control=True)
                      for band_id, band in self.claim.bands.items()]
        if any(j.fails for j in judgements):
            return "fails"
        undecided = [j.explain() for j in judgements if j.outcome == "inconclusive"]
        if not undecided:
            held = f"its negative control ({self.claim.control}) holds every band"
            if any(m.get("outcome") == "fails" for m in self.measured if "band_id" in m and not m.get("control")):
                self.note(f"{held} as well: with these runs the check cannot tell them from the control.")
            else:
                self.cannot_fail = f"{held}: " + "; ".join(j.explain() for j in judgements) + " — the check cannot fail"
            return "holds"
        self.control_doubt = "its negative control does not fail its bands clearly: " + "; ".join(undecided)
        return "inconclusive"

    def _match_bands(self, per_seed: Mapping[str, Sequence[float]]) -> None:
        if set(per_seed) != set(self.claim.bands):
            raise ValueError(f"{self.claim.id}: statistics {sorted(per_seed)} do not match its bands "
                             f"{sorted(self.claim.bands)}")

    def failure(self, failed: Sequence[str]) -> str:
        """The message of a check whose bands ``failed``: the claim, each failed statistic, the book's numbers."""
        return f"{self.claim.id}: " + "; ".join(failed) + (f" — book: {self.claim.book}" if self.claim.book != "—" else "")

    def inconclusive(self) -> list[str]:
        """The explanations of the judged statistics these seeds could not decide, and a control's doubt."""
        doubts = [m["explanation"] for m in self.measured if m.get("outcome") == "inconclusive" and not m.get("control")]
        return doubts + ([self.control_doubt] if self.control_doubt else [])

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
