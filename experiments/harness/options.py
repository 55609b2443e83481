"""The suite's command-line options, and what a run reads off them: its profile, seeds, report and cache folders."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import pytest

from experiments.judge.stats import DEFAULT_CONFIDENCE
from experiments.run.cache import CACHE_ENV, default_cache_dir
from experiments.run.profiles import DEFAULT_PROFILE, PROFILES, Profile


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value


def _confidence(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0.5 < value < 1:
        raise argparse.ArgumentTypeError(f"must be a number between 0.5 and 1, such as 0.95, not {text!r}")
    return value


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("convnet-claims")
    group.addoption(
        "--profile", choices=sorted(PROFILES), default=DEFAULT_PROFILE,
        help=f"scale of the experiments (default {DEFAULT_PROFILE}): smoke = CPU, offline, minutes; full = book scale, GPU",
    )
    group.addoption(
        "--seeds", type=_positive_int, default=None, metavar="N",
        help="seeds per stochastic claim (default: the profile's)",
    )
    group.addoption(
        "--confidence", type=_confidence, default=DEFAULT_CONFIDENCE, metavar="C",
        help=f"confidence of the one-sided interval each judged statistic's mean is held to (default "
             f"{DEFAULT_CONFIDENCE}); a band the interval straddles is inconclusive",
    )
    group.addoption(
        "--cache-dir", default=None, metavar="DIR",
        help=f"where trained runs are kept (default: ${CACHE_ENV}, else the user cache dir)",
    )
    group.addoption(
        "--no-cache", action="store_true",
        help="train every run again, once each (the new runs replace the cached ones)",
    )
    group.addoption(
        "--allow-cpu", action="store_true",
        help="run the full profile although TensorFlow sees no GPU (it then takes many hours)",
    )
    group.addoption(
        "--fail-on-regression", action="store_true",
        help="fail the run when a claim reproduced in the previous run of the same profile is not reproduced now "
             "(failing, erroring, skipped or newly xfailed); one that became inconclusive is printed as a "
             "weakening and does not fail the run",
    )
    group.addoption(
        "--report-dir", default=None, metavar="DIR",
        help="where runs are written as DIR/<run-id>/{results.json,report.html} (default: reports/ in the project root)",
    )


def active_profile(config: pytest.Config) -> Profile:
    return PROFILES[config.getoption("profile")]


def seed_count(config: pytest.Config) -> int:
    return config.getoption("seeds") or active_profile(config).seeds


def report_dir(config: pytest.Config) -> Path:
    chosen = config.getoption("report_dir")
    if chosen is None:
        return config.rootpath / "reports"
    return (config.invocation_params.dir / chosen).resolve()


def check_writable(directory: Path) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as error:
        raise pytest.UsageError(
            f"--report-dir {directory}: cannot write there ({error.strerror or error})"
        ) from None


def cache_root(config: pytest.Config) -> Path:
    """The run cache's directory: --cache-dir (from where pytest was started), else $CONVNET_CLAIMS_CACHE, else the
    user cache dir."""
    chosen = config.getoption("cache_dir")
    return (config.invocation_params.dir / chosen) if chosen else default_cache_dir()


def from_controller(config: pytest.Config, key: str, default):
    """What the controller handed its pytest-xdist workers under ``key`` (controller_values), in a worker; else
    ``default``, which in the controller (or a run without workers) is the value itself."""
    return getattr(config, "workerinput", {}).get(key, default)
