"""The pytest plugin: options, fixtures (`evidence`, `seeds`, `run_cache`, `progress`), and each check's record.

State travels in one direction:

    check ── evidence fixture ── item.stash ── makereport: a record in report.user_properties
        ── (pytest-xdist carries the report to the controller) ──
    Collector.pytest_runtest_logreport ── sessionfinish: results.json + report.html, once

so a run under ``pytest -n 2`` produces one report with every claim in it.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from experiments.cache import CACHE_ENV, RunCache, default_cache_dir
from experiments.claims import CLAIMS
from experiments import devices, provenance
from experiments.collector import RECORD, Collector
from experiments.evidence import CheckCannotFail, Evidence
from experiments.profiles import DEFAULT_PROFILE, PROFILES, Profile
from experiments.stats import DEFAULT_CONFIDENCE
from experiments.termination import restore, stop_on_sigterm

# TensorFlow's C++ start-up chatter (CPU features, oneDNN) buries the test output; warnings stay.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

EVIDENCE = pytest.StashKey[Evidence]()
DEVICE = pytest.StashKey[dict]()  # the GPU this process was pinned to (devices.prepare)
SIGTERM_HANDLER = pytest.StashKey[Any]()  # the handler this run's replaced, put back at its end
MESSAGE_LIMIT = 4000  # characters of a failure message kept in results.json
INCONCLUSIVE = "inconclusive, the seeds cannot tell: "  # the reason of a check turned into an xfail by its doubts
RUN_STARTED_ENV = "CONVNET_CLAIMS_RUN_STARTED"  # the controller's start, shared with pytest-xdist's workers


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


def pytest_addoption(parser: pytest.Parser) -> None:
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


def _report_dir(config: pytest.Config) -> Path:
    chosen = config.getoption("report_dir")
    if chosen is None:
        return config.rootpath / "reports"
    return (config.invocation_params.dir / chosen).resolve()


def _check_writable(directory: Path) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as error:
        raise pytest.UsageError(
            f"--report-dir {directory}: cannot write there ({error.strerror or error})"
        ) from None


def _configure_hypothesis(profile: Profile) -> dict[str, Any]:
    from hypothesis import settings

    chosen = {
        "max_examples": profile.hypothesis_examples,
        "derandomize": profile.hypothesis_derandomize,
        "deadline": None,  # TensorFlow's first call of an op compiles it: timing says nothing here
    }
    if profile.hypothesis_derandomize:
        chosen["database"] = None  # replaying saved failures would make runs differ
    settings.register_profile(f"convnet-claims-{profile.name}", **chosen)
    settings.load_profile(f"convnet-claims-{profile.name}")
    return {k: v for k, v in chosen.items() if k != "database"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "claim(id): the catalogue claim (experiments/claims/) this test checks")
    config.addinivalue_line("markers", "slow: trains models; minutes rather than seconds")
    hypothesis_settings = _configure_hypothesis(active_profile(config))
    worker = getattr(config, "workerinput", {}).get("workerid")
    config.stash[DEVICE] = devices.prepare(worker)
    if worker is not None:  # an xdist worker: the controller writes the report
        return
    _refuse_full_profile_without_gpu(config)
    os.environ[RUN_STARTED_ENV] = repr(time.time())  # before the workers start: they inherit it
    directory = _report_dir(config)
    _check_writable(directory)
    collector = Collector(config, directory, active_profile(config), seed_count(config), hypothesis_settings)
    config.pluginmanager.register(collector, "convnet-claims-collector")
    config.stash[SIGTERM_HANDLER] = stop_on_sigterm()


def _refuse_full_profile_without_gpu(config: pytest.Config) -> None:
    """The full profile is book scale for GPUs: on a CPU it takes many hours, so it starts there only when asked.

    Without this a wheel or driver that fails to load the GPU quietly runs the
    whole profile on the runner's CPU into the job's time limit.
    """
    if active_profile(config).name != "full" or config.getoption("allow_cpu") or devices.physical_gpus():
        return
    raise pytest.UsageError(f"--profile full needs a GPU, and TensorFlow sees none: {devices.why_no_gpu()}. "
                            f"Pass --allow-cpu to run it on the CPU anyway (many hours).")


def pytest_unconfigure(config: pytest.Config) -> None:
    restore(config.stash.get(SIGTERM_HANDLER, None))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every claim marker names a claim; a check of a known non-reproduction becomes a strict xfail with its cause."""
    profile = active_profile(config).name
    for item in items:
        marker = item.get_closest_marker("claim")
        if marker is None:
            continue
        if len(marker.args) != 1 or marker.args[0] not in CLAIMS:
            raise pytest.UsageError(
                f"{item.nodeid}: @pytest.mark.claim{marker.args!r} does not name one claim of experiments/claims/"
            )
        known = CLAIMS[marker.args[0]].known_failure
        if known is not None and known.applies_to(profile, item.name):
            item.add_marker(pytest.mark.xfail(strict=True, reason=known.cause))


def _claim_id(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("claim")
    return marker.args[0] if marker else None


@pytest.fixture
def evidence(request: pytest.FixtureRequest) -> Evidence:
    """Where a check records what it measured; its claim comes from @pytest.mark.claim."""
    claim_id = _claim_id(request.node)
    if claim_id is None:
        raise pytest.UsageError(f"{request.node.nodeid}: the evidence fixture needs @pytest.mark.claim('<id>')")
    request.node.stash[EVIDENCE] = Evidence(CLAIMS[claim_id], confidence=request.config.getoption("confidence"))
    return request.node.stash[EVIDENCE]


@pytest.fixture(scope="session")
def profile(request: pytest.FixtureRequest) -> Profile:
    return active_profile(request.config)


@pytest.fixture(scope="session")
def seeds(request: pytest.FixtureRequest) -> list[int]:
    """The seeds a stochastic claim is judged over: 0 … N−1."""
    return list(range(seed_count(request.config)))


@pytest.fixture(scope="session")
def run_cache(request: pytest.FixtureRequest) -> RunCache:
    """The store of trained runs: --cache-dir, else $CONVNET_CLAIMS_CACHE, else the user cache dir.

    With --no-cache it reads only what this run (its controller and every
    worker) has trained since it began.
    """
    fresh_since = float(os.environ[RUN_STARTED_ENV]) if request.config.getoption("no_cache") else None
    return RunCache(cache_root(request.config), fresh_since=fresh_since)


def cache_root(config: pytest.Config) -> Path:
    """The run cache's directory: --cache-dir (from where pytest was started), else $CONVNET_CLAIMS_CACHE, else the
    user cache dir."""
    chosen = config.getoption("cache_dir")
    return (config.invocation_params.dir / chosen) if chosen else default_cache_dir()


@pytest.fixture(scope="session")
def progress(request: pytest.FixtureRequest):
    """A function that prints one progress line on the terminal, past pytest's output capture.

    An xdist worker's terminal reporter writes nowhere, but its standard error
    is the controller's: its lines go there, named by the worker.
    """
    config = request.config
    terminal = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    worker = os.environ.get("PYTEST_XDIST_WORKER")

    def say(text: str) -> None:
        with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
            if worker or terminal is None:
                sys.stderr.write(f"[convnet-claims {time.strftime('%H:%M:%S')} {worker}] {text}\n")
                sys.stderr.flush()
            else:
                terminal.write_line(f"[convnet-claims {time.strftime('%H:%M:%S')}] {text}")

    return say


def seed_for(nodeid: str) -> int:
    """A seed fixed by the test's id: stable across runs and machines, different between tests."""
    return int.from_bytes(hashlib.sha256(nodeid.encode()).digest()[:4], "little")


@pytest.fixture(autouse=True)
def _seeded(request: pytest.FixtureRequest) -> None:
    """Every claim check starts from a seed of its own, with TensorFlow's ops deterministic and TF32 off."""
    if _claim_id(request.node) is None:
        return
    from experiments.training import seed_everything

    seed_everything(seed_for(request.node.nodeid))


def _phase_verdict(report: pytest.TestReport, call: pytest.CallInfo) -> tuple[str | None, str]:
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


def _mark_inconclusive(item: pytest.Item, report: pytest.TestReport, call: pytest.CallInfo) -> None:
    """A check whose assertions held, but whose seeds could not decide a band, becomes an expected failure.

    pytest's xfail neither fails the run nor passes silently: it is counted and
    its reason printed (-ra). The same holds for a check under a strict xfail
    whose statistics now straddle their bands instead of failing them: it is
    inconclusive, not reproduced, and its mark stays; only statistics that clear
    every band make a strict xfail fail the run ("remove its xfail mark").
    """
    if report.when != "call" or EVIDENCE not in item.stash or call.excinfo is not None:
        return
    doubts = item.stash[EVIDENCE].inconclusive()
    if doubts:  # passed, or passed under an xfail mark (which a strict mark turns into a failure)
        report.outcome = "skipped"
        report.wasxfail = INCONCLUSIVE + "; ".join(doubts)
        report.longrepr = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """A check whose negative control held every band is an error, raised after the check has recorded all it
    measured, so that the report shows the numbers the control could not be told from."""
    result = yield
    if EVIDENCE in item.stash and item.stash[EVIDENCE].cannot_fail:
        raise CheckCannotFail(item.stash[EVIDENCE].cannot_fail)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    claim_id = _claim_id(item)
    if claim_id is not None:
        _mark_inconclusive(item, report, call)
        verdict, message = _phase_verdict(report, call)
        if verdict in ("not_reproduced", "error") and claim_id not in message.partition("\n")[0]:
            message = f"{claim_id}: {message}"  # every failure says which claim it is about
        record: dict[str, Any] = {
            "claim": claim_id, "test": item.nodeid, "when": report.when,
            "verdict": verdict, "message": message, "duration_s": call.duration,
        }
        if report.when == "call" and EVIDENCE in item.stash:
            record.update(item.stash[EVIDENCE].payload())
        record["data"] = provenance.used()  # what this process has loaded so far: a worker's too
        record["device"] = item.config.stash.get(DEVICE, {})
        report.user_properties.append((RECORD, record))
    return report
