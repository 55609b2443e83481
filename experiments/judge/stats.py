"""Judging a statistic measured on several seeds against a band fixed before the run, with its uncertainty.

The mean over seeds is what is judged, and the seeds' spread says how far it
can be trusted: at each edge of the band, a one-sided Student-t interval of
the mean at the run's confidence (95% by default, ``--confidence``). The band

- **holds** when the interval lies inside it at every edge,
- **fails** when the interval lies wholly outside it at some edge,
- is **inconclusive** when the interval straddles an edge: these seeds
  cannot tell on which side the statistic lies. For such a statistic,
  ``seeds_to_settle`` is the number of seeds at which an interval of the
  measured spread around the measured mean would clear the edge.

Student's t, not a bootstrap: with three to five seeds a bootstrap's
resamples are too few to give an interval at all, and the seeds' values are
means of thousands of predictions each, close to normal. A statistic that does
not vary by construction (a bound that holds by arithmetic) carries its reason
in ``Band.exact`` and is judged on every value. One value computed from many
repetitions at once (a ratio of spreads over reshuffles) is judged by a
bootstrap over those repetitions instead (`judge_resampled`): its interval is
the percentile interval of the resampled values.

What cannot be judged is an error, never a verdict: a value that is not a
number (NaN, inf), and a varying statistic with the same value on every seed,
which a seeding or caching bug gives as readily as chance does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from scipy import stats as scipy_stats

from experiments.claims.bands import Band

DEFAULT_CONFIDENCE = 0.95
MOST_SEEDS = 1_000  # beyond this, "no number of seeds that this spread allows"
Outcome = Literal["holds", "fails", "inconclusive"]


def t_quantile(confidence: float, seeds: int) -> float:
    """The one-sided Student-t quantile for the mean of ``seeds`` values."""
    return float(scipy_stats.t.ppf(confidence, seeds - 1))


@dataclass(frozen=True)
class Judgement:
    statistic: str
    per_seed: tuple[float, ...]
    band: Band
    confidence: float = DEFAULT_CONFIDENCE
    constant: str = ""  # why these values are the same on every seed by construction (a control's removed cause)
    resampled: tuple[float, ...] = ()  # a bootstrap's values of the statistic, for one value computed once
    resampling: str = ""  # what was resampled, in words: "10 reshuffles"

    @property
    def mean(self) -> float:
        return sum(self.per_seed) / len(self.per_seed)

    @property
    def spread(self) -> float:
        """Sample standard deviation over seeds (0 for a single seed)."""
        if len(self.per_seed) < 2:
            return 0.0
        return math.sqrt(sum((v - self.mean) ** 2 for v in self.per_seed) / (len(self.per_seed) - 1))

    @property
    def standard_error(self) -> float:
        return self.spread / math.sqrt(len(self.per_seed))

    @property
    def judged_exactly(self) -> str:
        """Why this statistic is judged without an interval, or "" when it is judged with one."""
        return self.band.exact or self.constant

    @property
    def margin(self) -> float:
        """Half-width of the one-sided interval: t · standard error (infinite for one seed of a varying statistic);
        for a resampled statistic, the wider of its distances to the percentile interval's ends."""
        if self.judged_exactly:
            return 0.0
        if self.resampled:
            low, high = self.interval
            return max(self.mean - low, high - self.mean)
        if len(self.per_seed) < 2:
            return math.inf
        return t_quantile(self.confidence, len(self.per_seed)) * self.standard_error

    @property
    def interval(self) -> tuple[float, float]:
        """The one-sided bounds at the run's confidence: the mean ∓ t · standard error, or the bootstrap's
        percentiles."""
        if self.resampled:
            ordered = sorted(self.resampled)
            at = lambda share: ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]
            return at(1 - self.confidence), at(self.confidence)
        return self.mean - self.margin, self.mean + self.margin

    def _edges(self) -> list[tuple[float, int]]:
        """(edge, side): side +1 where the statistic must lie above the edge, −1 below."""
        return [(edge, side) for edge, side in ((self.band.low, +1), (self.band.high, -1)) if edge is not None]

    @property
    def outcome(self) -> Outcome:
        if self.band.exact:
            return "holds" if all(self.band.contains(v) for v in self.per_seed) else "fails"
        outcomes = []
        low, high = self.interval
        for edge, side in self._edges():
            near, far = (low, high) if side > 0 else (high, low)  # the interval's ends nearer and further from the band
            if side * (near - edge) >= 0:
                outcomes.append("holds")
            elif side * (far - edge) < 0:
                outcomes.append("fails")
            else:
                outcomes.append("inconclusive")
        if "fails" in outcomes:
            return "fails"
        return "inconclusive" if "inconclusive" in outcomes else "holds"

    @property
    def holds(self) -> bool:
        return self.outcome == "holds"

    @property
    def fails(self) -> bool:
        return self.outcome == "fails"

    @property
    def seeds_to_settle(self) -> int | None:
        """For an inconclusive statistic: the fewest seeds at which an interval of the measured spread around
        the measured mean clears every straddled edge; None when no number up to MOST_SEEDS does."""
        if self.outcome != "inconclusive":
            raise ValueError(f"{self.statistic}: {self.outcome}, nothing to settle")
        if len(self.per_seed) < 2 or self.resampled:  # no spread over seeds measured: nothing to project from
            return None
        needed = len(self.per_seed)
        for edge, _ in self._edges():
            distance = abs(self.mean - edge)
            if distance - self.margin >= 0:
                continue
            n = len(self.per_seed) + 1
            while n <= MOST_SEEDS and t_quantile(self.confidence, n) * self.spread / math.sqrt(n) > distance:
                n += 1
            if n > MOST_SEEDS:
                return None
            needed = max(needed, n)
        return needed

    def describe(self) -> str:
        if self.resampled:
            low, high = self.interval
            return f"{self.statistic}: {self.mean:.4g} (bootstrap interval [{low:.4g}, {high:.4g}]); band {self.band}"
        values = ", ".join(f"{v:.4g}" for v in self.per_seed)
        return (
            f"{self.statistic}: mean {self.mean:.4g} ± {self.spread:.2g} over {len(self.per_seed)} seeds "
            f"({values}); band {self.band}"
        )

    def explain(self) -> str:
        """One sentence on how sure the judgement is, for the report."""
        exact = self.judged_exactly
        if exact:
            return f"{self.statistic}: judged exactly ({exact}): {self.outcome}"
        if self.resampled:
            low, high = self.interval
            return (f"{self.statistic}: {self.mean:.4g}, one-sided {self.confidence:.0%} bootstrap percentile interval "
                    f"[{low:.4g}, {high:.4g}] ({len(self.resampled):,} resamples of the {self.resampling}), band "
                    f"{self.band}: {self.outcome}")
        interval = (f"one-sided {self.confidence:.0%} interval ±{self.margin:.2g} (Student's t, "
                    f"{len(self.per_seed) - 1} degrees of freedom)" if math.isfinite(self.margin)
                    else "one seed: no spread to bound the mean")
        text = f"{self.statistic}: mean {self.mean:.4g}, {interval}, band {self.band}: {self.outcome}"
        if self.outcome == "inconclusive" and len(self.per_seed) < 2:
            text += "; run three seeds or more (--seeds 3) to measure a spread"
        elif self.outcome == "inconclusive":
            settle = self.seeds_to_settle
            text += (f"; with this spread, {settle} seeds would settle it (--seeds {settle})" if settle
                     else f"; the mean sits so near the edge that no number of seeds up to {MOST_SEEDS:,} would "
                          "settle it with this spread")
        return text


class Unjudgeable(Exception):
    """A statistic that no band can judge: a value that is not a number, or one value on every seed of a statistic
    that varies. The check is an error, not a verdict on its claim."""


class IdenticalSeeds(Unjudgeable):
    """A statistic that varies by chance came out the same on every seed."""


def _numbers(statistic: str, values: Sequence[float], what: str) -> tuple[float, ...]:
    numbers = tuple(float(v) for v in values)
    broken = [f"{what} {i}: {v}" for i, v in enumerate(numbers) if not math.isfinite(v)]
    if broken:
        raise Unjudgeable(f"{statistic}: not a number on " + ", ".join(broken))
    return numbers


def judge(statistic: str, per_seed: Sequence[float], band: Band, confidence: float = DEFAULT_CONFIDENCE,
          constant: str = "") -> Judgement:
    """Judge a statistic's per-seed values (seed i at index i) against ``band``.

    ``constant``: why the values are the same on every seed by construction, for a control whose removed cause
    leaves nothing to vary; otherwise equal values on two seeds or more are an error, unless the band is exact.
    """
    if len(per_seed) == 0:
        raise ValueError(f"{statistic}: no seeds to judge")
    if not 0.5 < confidence < 1:
        raise ValueError(f"confidence {confidence}: must lie between 0.5 and 1")
    values = _numbers(statistic, per_seed, "seed")
    if len(values) >= 2 and len(set(values)) == 1 and not (band.exact or constant):
        raise IdenticalSeeds(f"{statistic}: {values[0]:.6g} on every one of {len(values)} seeds, and it varies by "
                          "chance: identical seeds come from a seeding or caching fault as readily as from chance")
    return Judgement(statistic, values, band, confidence, constant)


def judge_resampled(statistic: str, value: float, resampled: Sequence[float], band: Band, resampling: str,
                    confidence: float = DEFAULT_CONFIDENCE) -> Judgement:
    """Judge one value computed from many repetitions (``resampling``: what they are) by the percentile interval
    of its bootstrap ``resampled`` values."""
    if len(resampled) < 100:
        raise ValueError(f"{statistic}: {len(resampled)} resamples are too few for a percentile interval")
    if not 0.5 < confidence < 1:
        raise ValueError(f"confidence {confidence}: must lie between 0.5 and 1")
    (number,) = _numbers(statistic, [value], "value")
    return Judgement(statistic, (number,), band, confidence, resampled=_numbers(statistic, resampled, "resample"),
                     resampling=resampling)
