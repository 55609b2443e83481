"""Running a Hypothesis property inside a claim check, and recording how much it tried.

`@given` cannot wrap a test that uses function-scoped fixtures such as
`evidence`, so a check hands its property here: the property runs under the
profile's Hypothesis settings, and the evidence records how many examples it
held on.
"""

from __future__ import annotations

from typing import Any, Callable

from hypothesis import given
from hypothesis import strategies as st

from experiments.judge.evidence import Evidence


def verify(evidence: Evidence, law: str, prop: Callable[..., None], **strategies: st.SearchStrategy) -> int:
    """Check ``prop`` on generated examples; a failing example propagates its AssertionError."""
    held = 0

    @given(**strategies)
    def run(**example: Any) -> None:
        nonlocal held
        prop(**example)
        held += 1

    run()
    evidence.measure(f"{law}: examples that held", held)
    return held
