"""The two scales the suite runs at: one code path, different sizes.

smoke: a CPU, offline, minutes; every departure from the book is recorded.
full:  book scale, for GPU runners with a network.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Profile:
    name: str
    seeds: int  # default number of seeds a stochastic claim is judged over
    hypothesis_examples: int  # examples per property
    hypothesis_derandomize: bool  # the same examples every run, for comparable nightly results
    cats_size: int  # side of the cats-vs-dogs images (the book: 150)
    small_data_epochs: int  # the plain convnet (the book: 30)

    def describe(self) -> str:
        return (
            f"{self.name}: {self.seeds} seeds per stochastic claim, "
            f"{self.hypothesis_examples} Hypothesis examples per property"
            + (" (derandomised)" if self.hypothesis_derandomize else "")
        )


PROFILES = MappingProxyType(
    {
        "smoke": Profile("smoke", seeds=3, hypothesis_examples=30, hypothesis_derandomize=True,
                         cats_size=64, small_data_epochs=60),
        "full": Profile("full", seeds=5, hypothesis_examples=200, hypothesis_derandomize=False,
                        cats_size=150, small_data_epochs=30),
    }
)
DEFAULT_PROFILE = "smoke"
