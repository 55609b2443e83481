"""A claim's negative control and its known failure: what its check must show beside its bands.

A control is a near miss of the claim's runs, judged by the claim's statistics
and bands, which must fail the claim's principal band:

- **A/A**: for a comparison (A beats B by at least δ), B against B at other
  seeds: seed i of the recipe paired with seed i + shift. It has a real
  spread and costs no training. A shift of 0 would compare a run with itself,
  and is refused.
- **cause removed**: the same recipe with the one cause the claim names taken
  away (random weights for ImageNet's, no ReLU, no ascent).
- **chance floor**: where the claim's principal band is an absolute level or a
  sign, a model that learnt nothing: it shows the statistic can see a
  difference at all, not that the band tells the effect from chance.

A control whose statistics are the same on every seed by construction can fail
only because the band excludes that value: it is refused at run time, unless
it says why that is the point (``constant``, for a cause removed only).
Comparisons ``alongside`` are judged by the same bands and never need to
fail; where one holds a band, the claim's verdict says so ("also without
training"). One that removes a known failure's cause must hold them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

ControlKind = Literal["A/A", "cause removed", "chance floor"]
KINDS = ("A/A", "cause removed", "chance floor")
T = TypeVar("T")


@dataclass(frozen=True)
class Control:
    kind: ControlKind
    words: str  # what the control is, and why the claim must not hold on it
    principal: str  # the id of the band it must fail
    short: str  # the control in a few words, for a verdict's qualifier: "without training"
    judged: tuple[str, ...] = ()  # the bands it is judged on; none named: all of the claim's
    shift: int = 1  # A/A: seed i paired with seed i + shift, over the seeds in a ring
    constant: str = ""  # cause removed: why its statistics are the same on every seed, by construction

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"a control is one of {KINDS}, not {self.kind!r}")
        if self.kind == "A/A" and self.shift < 1:
            raise ValueError(f"an A/A control pairs each seed with another one: shift {self.shift} compares a run "
                             "with itself, which fails by construction")
        if self.constant and self.kind != "cause removed":
            raise ValueError(f"a {self.kind} control cannot be constant by construction: only a removed cause can")
        if self.judged and self.principal not in self.judged:
            raise ValueError(f"the control is judged on {self.judged}, not on its principal band {self.principal!r}")

    def paired(self, runs: Sequence[T]) -> list[T]:
        """A/A: the runs of other seeds to pair with ``runs`` seed by seed: run i + shift for run i.

        The pairing goes round the seeds, so a difference of one statistic between the pairs sums to zero by
        construction: the control's mean is 0, and what it tests is the seeds' spread. It fails a band ≥ δ when
        that spread rules δ out; a band at δ = 0 it cannot fail, and the claim stays inconclusive: a comparison
        judged against zero cannot be told from a change of seed by its own seeds.
        """
        if self.kind != "A/A":
            raise ValueError(f"a {self.kind} control pairs no seeds")
        if len(runs) < 2:
            raise ValueError("an A/A control needs two seeds or more: one seed can only be paired with itself")
        return [runs[(i + self.shift) % len(runs)] for i in range(len(runs))]


@dataclass(frozen=True)
class Alongside:
    """Runs or a setting reported beside the claim's own, judged by its bands, under no obligation to fail them."""

    words: str
    short: str  # for a verdict's qualifier: "without training"
    # The claim's known failure with its cause removed: the run that shows the cause, on which every band must
    # hold, or the check is an error (the known failure would stand on an explanation a run contradicts).
    removes_cause: bool = False


@dataclass(frozen=True)
class KnownFailure:
    """A part of a claim that does not reproduce, why, and exactly what fails: its check's verdict is "known not to
    reproduce" only when exactly that fails, as an assertion.

    ``bands``: the ids of the bands that fail (a stochastic claim); ``rows``: the measured quantities that differ
    from the book (an exact claim). The cause is one explanation in words, without measured numbers: the report
    prints today's numbers beside it. Another band failing is "not reproduced"; any other exception is an error;
    the named ones holding is "reproduces now", which fails the run.
    """

    cause: str
    bands: tuple[str, ...] = ()
    rows: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ("smoke", "full")  # where it does not reproduce
    tests: tuple[str, ...] = ()  # the checks (pytest item names) it concerns; none named: every check of the claim

    def __post_init__(self) -> None:
        if bool(self.bands) == bool(self.rows):
            raise ValueError("a known failure names what fails: the bands of a stochastic claim or the rows of an "
                             "exact one")

    def applies_to(self, profile: str, item_name: str) -> bool:
        return profile in self.profiles and (not self.tests or item_name in self.tests)
