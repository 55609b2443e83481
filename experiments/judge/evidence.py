"""What one check records about its claim: measured values, figures, departures from the book.

An `Evidence` lives for one test. Its `payload()` is plain JSON-ready data, so
pytest-xdist can carry it from a worker to the controller inside the test
report.

A stochastic claim is judged twice by the same statistics and bands: on the
runs it is about (`judge_bands`), and on its negative control
(`judge_control`, the catalogue's ``control`` says what that is), which must
fail the principal band. A control that holds it is an error of the check,
not a verdict on the claim: the check could not have failed. What the catalogue
sets ``alongside`` is judged by the same bands (`judge_alongside`) and need not
fail; a band that it holds beside the claim's runs becomes a qualifier of the
verdict ("also without training: …"). One that removes the cause of the claim's
known failure must hold every band, or the check is an error (CauseNotShown).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure

from experiments.claims.bands import Band, Resampled
from experiments.figures import png_bytes
from experiments.judge.stats import (
    DEFAULT_CONFIDENCE,
    Judgement,
    judge,
    judge_resampled,
)

if TYPE_CHECKING:
    from experiments.claims import Claim
    from experiments.claims.controls import Alongside

PerSeed = Sequence[float] | Resampled  # a statistic's value on each seed, or one value with its bootstrap
NOT_MEASURED = object()  # Evidence.measure's keras2 when a quantity has no Keras 2 column


class CheckCannotFail(Exception):
    """A claim's negative control passed its bands: the check would pass whatever the runs did."""


class CauseNotShown(Exception):
    """A known failure's cause, removed in a comparison beside the claim's runs, did not let the claim hold there."""


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
    short_departures: list[str] = field(default_factory=list)  # the departures in a few words, for the headline
    notes: list[str] = field(default_factory=list)
    control_doubt: str = ""  # why the seeds cannot show that the control fails, when they cannot
    cannot_fail: str = ""  # why the check cannot fail, when its control holds its principal band
    qualifiers: list[str] = field(default_factory=list)  # "also without training: …", for the verdict's line

    def measure(self, quantity: str, value: Any, book: Any = None, headline: tuple[str, ...] | None = None,
                keras2: Any = NOT_MEASURED) -> Any:
        """Record a measured quantity beside the book's number for it; returns ``value``.

        ``headline``: (chapter, stage[, the claim it illustrates, when not this one]) for a number the report
        leads with, per seed in ``value``. ``keras2``: the same quantity measured under Keras 2 (None where
        Keras 2 has no such row, or was not installed), for the report's column beside the book's.
        """
        entry = {"quantity": quantity, "value": jsonable(value), "book": jsonable(book)}
        if keras2 is not NOT_MEASURED:
            entry["keras2"] = jsonable(keras2)
        if headline is not None:
            entry["headline"] = list(headline)
        self.measured.append(entry)
        return value

    def judge(self, statistic: str, per_seed: PerSeed, band: Band, book: Any = None,
              headline: tuple[str, ...] | None = None, band_id: str | None = None, control: bool = False,
              constant: str = "", alongside: str = "") -> Judgement:
        """Judge ``per_seed`` against ``band`` at this run's confidence, and record it.

        Raises stats.Unjudgeable for a value that is not a number or a varying statistic equal on every seed.
        """
        if isinstance(per_seed, Resampled):
            judgement = judge_resampled(statistic, per_seed.value, per_seed.resampled, band, per_seed.resampling,
                                        self.confidence)
        else:
            judgement = judge(statistic, per_seed, band, self.confidence, constant)
        self.judged(judgement, book, headline, band_id, control, alongside)
        return judgement

    def judged(self, judgement: Judgement, book: Any = None, headline: tuple[str, ...] | None = None,
               band_id: str | None = None, control: bool = False, alongside: str = "") -> str:
        """Record a statistic judged over seeds: its mean, every seed's value, the band, the outcome; returns it.

        ``control``: judged on the claim's negative control, where failing the band is what must happen;
        ``alongside``: judged on a comparison the catalogue sets beside the claim (its short words).
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
            **({"interval": list(judgement.interval), "resamples": len(judgement.resampled)}
               if judgement.resampled else {}),
            **({"headline": list(headline)} if headline is not None else {}),
            **({"band_id": band_id} if band_id is not None else {}),
            **({"control": True} if control else {}),
            **({"alongside": alongside} if alongside else {}),
        })
        return outcome

    def judge_band(self, band_id: str, per_seed: Sequence[float], book: Any = None,
                   headline: tuple[str, ...] | None = None) -> Judgement:
        """Judge the statistic of the claim's band ``band_id`` on its per-seed values, under the band's label,
        beside ``book`` or else the book's value the catalogue works out for it."""
        band = self.claim.bands[band_id]
        book = self.claim.book_value(band_id) if book is None else book
        return self.judge(band.label, per_seed, band, book, headline, band_id)

    def judge_bands(self, per_seed: Mapping[str, PerSeed]) -> list[str]:
        """Judge each of the claim's bands (by id) on its statistic's per-seed values; the failed ones, described.

        A band the seeds cannot decide is recorded as inconclusive, not failed:
        the plugin turns a check whose only doubts are these into an
        inconclusive verdict.
        """
        self._match_bands(per_seed)
        judgements = [self.judge_band(band_id, per_seed[band_id]) for band_id in self.claim.bands]
        return [j.describe() for j in judgements if j.fails]

    def judge_control(self, per_seed: Mapping[str, PerSeed]) -> str:
        """Judge the catalogue's control on its statistics, by the claim's bands; the principal band's outcome.

        The control must fail its principal band ("fails"). One that holds it
        ("holds") makes the check an error once it has recorded the rest of its
        evidence (the plugin raises CheckCannotFail with ``cannot_fail``),
        unless the claim's own runs already failed that band (judged first):
        that check has shown it can fail, and the control that holds too is
        noted beside the failure. One whose seeds cannot decide leaves the
        check inconclusive: these seeds cannot show that the check could fail.
        Another band the control holds, where the claim's runs hold it too, is
        said beside the verdict.
        """
        control = self.claim.control
        if control is None:
            raise ValueError(f"{self.claim.id}: the catalogue names no control for it")
        judged = control.judged or tuple(self.claim.bands)
        self._match_bands(per_seed, judged)
        judgements = {band_id: self.judge(self.claim.bands[band_id].label, per_seed[band_id],
                                          self.claim.bands[band_id], band_id=band_id, control=True,
                                          constant=control.constant)
                      for band_id in judged}
        self._qualify(control.short, {b: j for b, j in judgements.items() if b != control.principal})
        principal = judgements[control.principal]
        if principal.fails:
            return "fails"
        if principal.holds:
            held = f"its {control.kind} control ({control.words}) holds its principal band"
            if self._own_outcome(control.principal) == "fails":
                self.note(f"{held} as well: with these runs the check cannot tell them from the control.")
            else:
                self.cannot_fail = f"{held}: {principal.explain()} — the check cannot fail"
            return "holds"
        self.control_doubt = f"its {control.kind} control does not fail its principal band clearly: {principal.explain()}"
        return "inconclusive"

    def judge_alongside(self, alongside: Alongside, per_seed: Mapping[str, PerSeed]) -> None:
        """Judge a comparison the catalogue sets beside the claim by its bands; the bands it holds with the
        claim's runs qualify the verdict. One that removes the known failure's cause must hold every band."""
        self._match_bands(per_seed, tuple(self.claim.bands))
        judgements = {band_id: self.judge(band.label, per_seed[band_id], band, band_id=band_id, alongside=alongside.short)
                      for band_id, band in self.claim.bands.items()}
        self._qualify(alongside.short, judgements)
        not_shown = [judgement.explain() for judgement in judgements.values() if not judgement.holds]
        if alongside.removes_cause and not_shown:
            raise CauseNotShown(f"{self.claim.id}: {alongside.short}, the known failure's cause removed, the claim "
                                "does not hold either: " + "; ".join(not_shown))

    def _own_outcome(self, band_id: str) -> str | None:
        return next((m["outcome"] for m in self.measured if m.get("band_id") == band_id
                     and not m.get("control") and not m.get("alongside")), None)

    def _qualify(self, short: str, judgements: Mapping[str, Judgement]) -> None:
        held = [self.claim.bands[b].label for b, j in judgements.items() if j.holds and self._own_outcome(b) == "holds"]
        if held:
            self.qualifiers.append(f"also {short}: " + "; ".join(held))

    def _match_bands(self, per_seed: Mapping[str, PerSeed], judged: Sequence[str] | None = None) -> None:
        if judged is None:
            if set(per_seed) != set(self.claim.bands):
                raise ValueError(f"{self.claim.id}: statistics {sorted(per_seed)} do not match its bands "
                                 f"{sorted(self.claim.bands)}")
        elif set(judged) - set(per_seed):
            raise ValueError(f"{self.claim.id}: statistics {sorted(per_seed)} lack the bands {sorted(judged)}")

    def failed_parts(self) -> set[str]:
        """What failed in this check, as a known failure names it: the ids of the bands its runs failed, or, for an
        exact claim, the measured quantities that differ from the book's numbers."""
        if self.claim.kind == "exact":
            return {m["quantity"] for m in self.measured if m.get("book") is not None and m["value"] != m["book"]}
        return {m["band_id"] for m in self.measured if "band_id" in m and m["outcome"] == "fails"
                and not m.get("control") and not m.get("alongside")}

    def recorded_parts(self) -> set[str]:
        """What this check recorded that a known failure can name: the bands it judged on the claim's own runs,
        or, for an exact claim, the quantities it measured."""
        if self.claim.kind == "exact":
            return {m["quantity"] for m in self.measured}
        return {m["band_id"] for m in self.measured if "band_id" in m and not m.get("control") and not m.get("alongside")}

    def failure(self, failed: Sequence[str]) -> str:
        """The message of a check whose bands ``failed``: the claim, each failed statistic, the book's numbers."""
        return f"{self.claim.id}: " + "; ".join(failed) + (f" — book: {self.claim.book}" if self.claim.book != "—" else "")

    def inconclusive(self) -> list[str]:
        """The explanations of the judged statistics these seeds could not decide, and a control's doubt."""
        doubts = [m["explanation"] for m in self.measured if m.get("outcome") == "inconclusive"
                  and not m.get("control") and not m.get("alongside")]
        return doubts + ([self.control_doubt] if self.control_doubt else [])

    def figure(self, title: str, figure: Figure | bytes, caption: str = "") -> None:
        """Record a figure (a matplotlib Figure or PNG bytes) to embed in the report."""
        png = figure if isinstance(figure, bytes) else png_bytes(figure)
        self.figures.append(
            {"title": title, "caption": caption, "png_base64": base64.b64encode(png).decode("ascii")}
        )

    def departure(self, text: str, short: str = "") -> None:
        """Record where this run departs from the book's setting, and why; ``short``: the same in a few words, for
        the rows of the report's headline that this claim's numbers fill."""
        self.departures.append(text)
        if short:
            self.short_departures.append(short)

    def note(self, text: str) -> None:
        self.notes.append(text)

    def payload(self) -> dict[str, Any]:
        return {
            "measured": self.measured,
            "figures": self.figures,
            "departures": self.departures,
            "short_departures": self.short_departures,
            "notes": self.notes,
            "qualifiers": self.qualifiers,
        }
