"""What a claim is: its words, source, the book's numbers, bands, negative control and known failure."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from experiments.claims.bands import Band
from experiments.claims.controls import Alongside, Control, KnownFailure
from experiments.claims.sources import Cite

Kind = Literal["exact", "property", "stochastic"]

SOURCES = MappingProxyType(
    {
        "DLwP1": "F. Chollet, Deep Learning with Python, 1st ed. (Keras 2.0.8 notebooks)",
        "DLwP2": "F. Chollet, Deep Learning with Python, 2nd ed.",
        "HG": "박해선, 혼자 공부하는 머신러닝+딥러닝, ch. 8",
        "TFT": "TensorFlow tutorial: Transfer learning and fine-tuning",
        "MLCC": "Google ML crash course, Image Classification practica",
        "notes-fashion": "study notes: visualising the Fashion-MNIST CNN",
        "notes-fashion-cnn": "study notes: the Fashion-MNIST CNN with Keras",
        "notes-tfds": "study notes: cats_vs_dogs practice with TFDS (160×160)",
        "notes-dlwp": "study notes: DLwP chapters 4–5",
        "notes-mlcc": "study notes: ML crash course image classification",
    }
)

SECTIONS = MappingProxyType(
    {
        "arch": "1. Architecture: parameter counts and output shapes",
        "geom": "2. Geometry of convolution and pooling",
        "train": "3. Training a small convnet",
        "over": "4. Overfitting, augmentation, regularisation",
        "pool": "4. Overfitting, augmentation, regularisation",
        "trans": "5. Using a pretrained convnet",
        "vis": "6. What convnets learn",
    }
)

Row = tuple[str, tuple[int, ...], int]  # (layer class, output shape, parameters)


@dataclass(frozen=True)
class Claim:
    id: str
    kind: Kind
    statement: str
    source: str  # where it was printed: book, section, [O]utput/[P]rose/[C]ode/[X] arithmetic
    book: str  # the source's number, as a person reads it
    numbers: Mapping[str, Any] = field(default_factory=dict)  # the same, for a check
    cites: Mapping[str, Cite] = field(default_factory=dict)  # each key of ``numbers`` → where it was printed
    bands: Mapping[str, Band] = field(default_factory=dict)  # stochastic: band id → band of a statistic's mean
    band_reason: str = ""  # why those bands: fixed before any run, with the book's numbers in view
    # band id → the book's value of that band's statistic, worked out from ``numbers`` (where the book prints
    # what it takes): the report shows it on the statistic's row.
    at_book: Mapping[str, Callable[[Mapping[str, Any]], Any]] = field(default_factory=dict)
    # A stochastic claim's negative control (experiments/claims/controls.py), judged by the same statistics and
    # bands (evidence.judge_control); or, where none is possible, why. And what is judged alongside.
    control: Control | None = None
    no_control: str = ""
    alongside: tuple[Alongside, ...] = ()
    known_failure: KnownFailure | None = None
    # A stochastic claim's band statistics: its measured runs or values → {band id: one value per seed}. The same
    # function is applied to the claim's runs and to its negative control's.
    statistics: Callable[..., Mapping[str, Sequence[float]]] | None = None

    def __post_init__(self) -> None:
        if set(self.cites) != set(self.numbers):
            raise ValueError(f"{self.id}: every book number names its source, and only those: "
                             f"uncited {sorted(set(self.numbers) - set(self.cites))}, "
                             f"cited but absent {sorted(set(self.cites) - set(self.numbers))}")
        unlabelled = [band_id for band_id, band in self.bands.items() if not band.label]
        if unlabelled:
            raise ValueError(f"{self.id}: bands {unlabelled} need the statistic's words as their label")
        if self.kind == "stochastic" and bool(self.control) == bool(self.no_control):
            raise ValueError(f"{self.id}: a stochastic claim names its negative control, or says why it has none")
        if self.control and not self.bands:
            raise ValueError(f"{self.id}: a control is judged by the claim's bands, and it has none")
        if self.control and set((self.control.principal, *self.control.judged)) - set(self.bands):
            raise ValueError(f"{self.id}: its control names bands it does not have")
        known = self.known_failure
        if known is not None and set(known.bands) - set(self.bands):
            raise ValueError(f"{self.id}: its known failure names bands it does not have")
        if self.bands and self.statistics is None:
            raise ValueError(f"{self.id}: bands are judged on statistics, and it names none")
        if any(alongside.removes_cause for alongside in self.alongside) and known is None:
            raise ValueError(f"{self.id}: a comparison alongside removes a known failure's cause, and it has none")
        if set(self.at_book) - set(self.bands):
            raise ValueError(f"{self.id}: book values for {sorted(set(self.at_book) - set(self.bands))}, not bands")

    def book_value(self, band_id: str) -> Any:
        """The book's value of the statistic of band ``band_id``, or None where the book prints none."""
        worked_out = self.at_book.get(band_id)
        return worked_out(self.numbers) if worked_out is not None else None

    @property
    def section(self) -> str:
        return SECTIONS[self.id.split(".", 1)[0]]

    @property
    def band(self) -> str:
        if self.kind == "exact":
            return "exact match"
        if self.kind == "property":
            return "holds on every generated example"
        stated = "; ".join(f"{band.label} {band}" for band in self.bands.values())
        return f"{stated} (mean over seeds)" if stated else ""

    @property
    def cited_source(self) -> str:
        """The source with each study-notes key spelled out by its subject."""
        return re.sub(r"notes-[a-z-]+", lambda m: SOURCES.get(m.group(0), m.group(0)), self.source)


UNTRAINED = "as training received it (its initial weights)"  # the negative control of many claims
