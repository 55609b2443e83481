"""SIGTERM ends a run as Ctrl-C does: pytest stops, and the checks that finished are reported, marked incomplete.

A job's time limit sends SIGTERM (`timeout`, a CI runner's cancel, a batch
scheduler, `kill`), and Python's default for it is to die on the spot, with
no results.json and no report for hours of finished checks. Raised as a
KeyboardInterrupt instead, it takes pytest's Ctrl-C path: the session ends,
the collector writes the run. A second SIGTERM ends the process at once; the
files it may cut short are written atomically, so none is left damaged.
"""

from __future__ import annotations

import signal
import threading
from typing import Any


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C raises KeyboardInterrupt."""


def _raise_terminated(signum: int, frame: Any) -> None:
    signal.signal(signum, signal.SIG_DFL)  # the next one is not caught
    raise Terminated(signal.Signals(signum).name)


def stop_on_sigterm() -> Any:
    """Install the handler; returns the one it replaces (None where a handler cannot be installed:
    only the main thread may install one)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _raise_terminated)


def restore(previous: Any) -> None:
    """Put back the handler ``stop_on_sigterm`` replaced."""
    if previous is not None and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, previous)


def stopped_by(interruption: BaseException) -> str:
    """In words, what stopped the run: 'SIGTERM', 'Ctrl-C', or pytest.exit's reason."""
    if isinstance(interruption, Terminated):
        return "SIGTERM"
    if isinstance(interruption, KeyboardInterrupt):
        return "Ctrl-C"
    return str(interruption) or type(interruption).__name__
