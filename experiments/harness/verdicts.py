"""The verdict each phase of a check gives its claim, from pytest's report of that phase."""

from __future__ import annotations

import pytest

from experiments.judge.evidence import Evidence

MESSAGE_LIMIT = 4000  # characters of a failure message kept in results.json
INCONCLUSIVE = "inconclusive, the seeds cannot tell: "  # the reason of a check turned into an xfail by its doubts


def phase_verdict(report: pytest.TestReport, call: pytest.CallInfo) -> tuple[str | None, str]:
    """The verdict one phase of a check gives its claim, and the message that explains it."""
    if report.passed:
        if report.when == "call":
            return "reproduced", ""
        return None, ""
    if hasattr(report, "wasxfail") and report.wasxfail.startswith(INCONCLUSIVE):
        return "inconclusive", report.wasxfail.removeprefix(INCONCLUSIVE)
    if hasattr(report, "wasxfail"):
        return "known_not_reproduced", report.wasxfail
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        return "skipped", reason.removeprefix("Skipped: ")
    if call.excinfo is None:  # failed without an exception: a strict xfail that passed
        return "reproduced", f"{report.longrepr} — it reproduces now: remove its xfail mark"
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
