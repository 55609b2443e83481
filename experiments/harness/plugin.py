"""The pytest plugin: options, fixtures (`evidence`, `seeds`, `run_cache`, `progress`), and each check's record.

State travels in one direction:

    check ── evidence fixture ── item.stash ── makereport: a record in report.user_properties
        ── (pytest-xdist carries the report to the controller) ──
    Collector.pytest_runtest_logreport ── sessionfinish: results.json + report.html, once

so a run under ``pytest -n 2`` produces one report with every claim in it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import time
from typing import Any

import pytest

from experiments.claims import CLAIMS
from experiments.data import provenance
from experiments.harness.collector import RECORD, Collector
from experiments.harness.options import (
    active_profile,
    add_options,
    cache_root,
    check_writable,
    from_controller,
    report_dir,
    seed_count,
)
from experiments.harness.termination import restore, stop_on_sigterm
from experiments.harness.verdicts import mark_inconclusive, phase_verdict, settle_known
from experiments.judge.evidence import CheckCannotFail, Evidence
from experiments.run import devices, ledger, threads
from experiments.run.cache import RunCache
from experiments.run.profiles import Profile
from experiments.run.seeding import determinism_state, seed_everything

EVIDENCE = pytest.StashKey[Evidence]()
DEVICE = pytest.StashKey[dict]()  # the GPU this process was pinned to (devices.prepare)
SIGTERM_HANDLER = pytest.StashKey[Any]()
STARTED = pytest.StashKey[float]()  # when the controller began (time.time())  # the handler this run's replaced, put back at its end
RUN_STARTED = "convnet_claims_run_started"  # the controller's start (time.time()), handed to its workers


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


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
    if worker is not None or not config.getoption("numprocesses", None):  # a controller of workers trains nothing
        threads.set_threads(threads.chosen_threads(getattr(config, "workerinput", {}).get("workercount"),
                                                   len(devices.physical_gpus())))
    if worker is not None:  # an xdist worker: the controller writes the report
        return
    _refuse_full_profile_without_gpu(config)
    config.stash[STARTED] = time.time()
    directory = report_dir(config)
    check_writable(directory)
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


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto`` (make report, make test): the workers experiments/run/threads.py's rule chooses for this machine."""
    return threads.workers_for(threads.available_cores(), len(devices.physical_gpus()))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """pytest-xdist's controller, before it starts a worker: what the workers must share with it."""
    node.workerinput[RUN_STARTED] = node.config.stash[STARTED]


def pytest_unconfigure(config: pytest.Config) -> None:
    restore(config.stash.get(SIGTERM_HANDLER, None))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every claim marker names a claim of the catalogue."""
    for item in items:
        marker = item.get_closest_marker("claim")
        if marker is None:
            continue
        if len(marker.args) != 1 or marker.args[0] not in CLAIMS:
            raise pytest.UsageError(
                f"{item.nodeid}: @pytest.mark.claim{marker.args!r} does not name one claim of experiments/claims/"
            )


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
    config = request.config
    started = from_controller(config, RUN_STARTED, config.stash.get(STARTED, None))
    fresh_since = started if config.getoption("no_cache") else None
    return RunCache(cache_root(config), fresh_since=fresh_since)


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
    seed_everything(seed_for(request.node.nodeid))


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
        evidence = item.stash.get(EVIDENCE, None)
        mark_inconclusive(evidence, report, call)
        known = CLAIMS[claim_id].known_failure
        beyond = ""
        if known is not None and known.applies_to(active_profile(item.config).name, item.name):
            beyond = settle_known(known, evidence, report, call, claim_id)
        verdict, message = phase_verdict(report, call)
        message += beyond
        if verdict in ("not_reproduced", "error") and claim_id not in message.partition("\n")[0]:
            message = f"{claim_id}: {message}"  # every failure says which claim it is about
        record: dict[str, Any] = {
            "claim": claim_id, "test": item.nodeid, "when": report.when,
            "verdict": verdict, "message": message, "duration_s": call.duration,
        }
        if report.when == "call" and evidence is not None:
            record.update(evidence.payload())
        record["data"] = provenance.used()  # what this process has loaded so far: a worker's too
        record["runs"] = ledger.used()  # the training runs it has read or trained, with their weights' digests
        record["determinism"] = determinism_state()  # as this process has set it, read back
        record["device"] = item.config.stash.get(DEVICE, {})
        report.user_properties.append((RECORD, record))
    return report
