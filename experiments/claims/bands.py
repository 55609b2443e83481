"""A band: the interval, fixed before any run, that a stochastic claim's statistic must fall in; and Resampled, what
a statistic without per-seed values gives it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Band:
    """An interval a statistic's mean must fall in; either end may be open.

    ``label``: the statistic in words, as the report shows it; a check names a
    band by its id in the claim, never by this. ``exact``: why the statistic
    cannot vary by chance (empty: it can); such a band is judged on every
    value, without an interval.
    """

    low: float | None = None
    high: float | None = None
    label: str = ""
    exact: str = ""

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
class Resampled:
    """One value computed from many repetitions at once, with its bootstrap: what a statistics function returns
    for a band with no per-seed values."""

    value: float
    resampled: tuple[float, ...]
    resampling: str  # what was resampled: "10 reshuffles"
