"""Judging a statistic measured on several seeds against a band fixed before the run.

The verdict uses the mean over seeds: one lucky or unlucky seed neither makes
nor breaks a claim. The spread (standard deviation, minimum, maximum) is
reported beside it, so a reader sees how much the seeds disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class Band:
    """An interval a statistic's mean must fall in; either end may be open."""

    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        if self.low is None and self.high is None:
            raise ValueError("a band needs at least one end")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"empty band: low {self.low} > high {self.high}")

    def contains(self, value: float) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def __str__(self) -> str:
        if self.high is None:
            return f"≥ {self.low:g}"
        if self.low is None:
            return f"≤ {self.high:g}"
        return f"[{self.low:g}, {self.high:g}]"


@dataclass(frozen=True)
class Judgement:
    statistic: str
    per_seed: tuple[float, ...]
    band: Band

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
    def holds(self) -> bool:
        return self.band.contains(self.mean)

    @property
    def standard_error(self) -> float:
        return self.spread / math.sqrt(len(self.per_seed))

    @property
    def too_close_to_call(self) -> bool:
        """The mean lies within one standard error of a band edge: other seeds could put it on the other side."""
        edges = [edge for edge in (self.band.low, self.band.high) if edge is not None]
        return any(abs(self.mean - edge) <= self.standard_error for edge in edges)

    def describe(self) -> str:
        values = ", ".join(f"{v:.4g}" for v in self.per_seed)
        return (
            f"{self.statistic}: mean {self.mean:.4g} ± {self.spread:.2g} over {len(self.per_seed)} seeds "
            f"({values}); band {self.band}"
        )


def judge(statistic: str, per_seed: Sequence[float], band: Band) -> Judgement:
    if len(per_seed) == 0:
        raise ValueError(f"{statistic}: no seeds to judge")
    return Judgement(statistic, tuple(float(v) for v in per_seed), band)
