"""The verdict each phase of a check gives its claim, from pytest's report of that phase."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from experiments.judge.evidence import Evidence

if TYPE_CHECKING:
    from experiments.claims.controls import KnownFailure

MESSAGE_LIMIT = 4000  # characters of a failure message kept in results.json
INCONCLUSIVE = "inconclusive, the seeds cannot tell: "  # the reason of a check turned into an xfail by its doubts
KNOWN = "known not to reproduce: "  # the reason of a check whose known failure failed as the catalogue says


def phase_verdict(report: pytest.TestReport, call: pytest.CallInfo) -> tuple[str | None, str]:
    """The verdict one phase of a check gives its claim, and the message that explains it."""
    if report.passed:
        if report.when == "call":
            return "reproduced", ""
        return None, ""
    if hasattr(report, "wasxfail") and report.wasxfail.startswith(INCONCLUSIVE):
        return "inconclusive", report.wasxfail.removeprefix(INCONCLUSIVE)
    if hasattr(report, "wasxfail") and report.wasxfail.startswith(KNOWN):
        return "known_not_reproduced", report.wasxfail.removeprefix(KNOWN)
    if hasattr(report, "wasxfail"):  # an xfail mark of the check's own, which no check of the catalogue sets
        return "error", f"{report.when}: an xfail mark outside the catalogue: {report.wasxfail}"
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        return "skipped", reason.removeprefix("Skipped: ")
    if call.excinfo is None:  # failed without an exception: a known failure whose named parts hold (settle_known)
        return "reproduced", str(report.longrepr)
    message = call.excinfo.exconly()[:MESSAGE_LIMIT]
    if report.when == "call" and call.excinfo.errisinstance(AssertionError):
        return "not_reproduced", message
    return "error", f"{report.when}: {message}"


def mark_inconclusive(evidence: Evidence | None, report: pytest.TestReport, call: pytest.CallInfo) -> None:
    """A check whose assertions held, but whose seeds could not decide a band, becomes an expected failure.

    pytest's xfail neither fails the run nor passes silently: it is counted and
    its reason printed (-ra). The same holds for a check under a strict xfail
    whose statistics now straddle their bands instead of failing them: it is
    inconclusive, not reproduced, and its mark stays; only statistics that clear
    every band make a strict xfail fail the run ("remove its xfail mark").
    """
    if report.when != "call" or evidence is None or call.excinfo is not None:
        return
    doubts = evidence.inconclusive()
    if doubts:  # passed, or passed under an xfail mark (which a strict mark turns into a failure)
        report.outcome = "skipped"
        report.wasxfail = INCONCLUSIVE + "; ".join(doubts)
        report.longrepr = None


def settle_known(known: KnownFailure, evidence: Evidence | None, report: pytest.TestReport,
                 call: pytest.CallInfo, claim_id: str) -> str:
    """Settle a check under a known failure of the catalogue from what failed in it; a note for its message.

    It is known not to reproduce only when exactly the bands or rows the
    known failure names (those of them this check recorded) failed, as
    assertions: it then becomes an expected failure with the catalogue's
    cause. Another band or row failing leaves it a failure (not reproduced),
    any other exception an error, and doubts an inconclusive verdict. When
    the named parts hold the check fails the run: the claim reproduces now,
    and its known failure must go.
    """
    if report.when != "call" or hasattr(report, "wasxfail"):  # setup or teardown; or inconclusive already
        return ""
    if call.excinfo is not None and not call.excinfo.errisinstance(AssertionError):
        return ""  # a crash is an error whatever the catalogue expects to fail
    named = set(known.bands or known.rows)
    expected = named & evidence.recorded_parts() if evidence is not None else set()
    failed = evidence.failed_parts() if evidence is not None else set()
    if call.excinfo is None:
        report.outcome = "failed"
        report.longrepr = (f"{claim_id}: it reproduces now: {', '.join(sorted(expected or named))} held, which its "
                           "known failure says fail; remove the known failure from the catalogue")
        return ""
    if expected and failed == expected:
        report.outcome = "skipped"
        report.wasxfail = KNOWN + known.cause
        report.longrepr = None
        return ""
    return (f" — beyond its known failure, which names {', '.join(sorted(named))}: failed here "
            f"{', '.join(sorted(failed)) or 'nothing the evidence recorded'}")
