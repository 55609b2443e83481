"""The claim catalogue as data: every claim of the chapters, one module per module of checks/.

Each module is the twin of one module of checks/ (claims/overfitting.py ↔
checks/test_overfitting.py): its claims, and each claim's recipe (the
TrainSpecs of its runs) and band statistics beside it. Checks name a claim with
``@pytest.mark.claim("<id>")``; the report reads the words, the source and the
book's numbers from here. A claim that no check of
a run reached (a run of some modules, or one stopped early) is reported as
"not checked in this run"; every claim has a check in checks/ (tests/test_catalogue.py).

Each claim's ``numbers`` holds what the source printed, in a form a check can
compare with: for an architecture claim, the rows of the book's
``model.summary()`` as ``(layer class, output shape without the batch axis,
parameters)`` and the total.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from experiments.claims import (
    architecture,
    evaluation,
    generic_layers,
    geometry,
    overfitting,
    pooling,
    regularisation,
    training,
    transfer,
    tutorial,
    visualisation,
)
from experiments.claims.base import (
    SECTIONS,
    SOURCES,
    UNTRAINED,
    Claim,
    Kind,
    KnownFailure,
    Row,
)

__all__ = ["CATALOGUE", "CLAIMS", "SECTIONS", "SOURCES", "UNTRAINED", "Claim", "Kind", "KnownFailure", "Row", "claim"]

CATALOGUE: tuple[Claim, ...] = (
    architecture.ENTRIES + geometry.ENTRIES + training.ENTRIES + overfitting.ENTRIES + regularisation.ENTRIES
    + evaluation.ENTRIES + pooling.ENTRIES + transfer.ENTRIES + tutorial.ENTRIES + generic_layers.ENTRIES + visualisation.ENTRIES
)
CLAIMS: Mapping[str, Claim] = MappingProxyType({c.id: c for c in CATALOGUE})


def claim(claim_id: str) -> Claim:
    """The catalogue entry for ``claim_id``; a KeyError names close ids when it is unknown."""
    try:
        return CLAIMS[claim_id]
    except KeyError:
        prefix = claim_id.rsplit(".", 1)[0]
        near = [c for c in CLAIMS if c.startswith(prefix)]
        raise KeyError(f"unknown claim id {claim_id!r}; ids near it: {', '.join(near) or 'none'}") from None
