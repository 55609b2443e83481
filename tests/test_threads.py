"""The rule that shares a machine's cores among pytest-xdist workers and their TensorFlow threads."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from experiments.run import threads


@pytest.mark.parametrize(("cores", "gpus", "workers", "threads_each"), [
    (1, 0, 1, 1),
    (2, 0, 2, 1),
    (3, 0, 3, 1),
    (4, 0, 4, 1),
    (8, 0, 4, 2),
    (16, 0, 4, 4),
    (16, 1, 1, 16),  # a GPU runner: one worker per GPU, its CPU threads for the input pipeline and the host's ops
    (32, 4, 4, 8),
])
def test_the_rule_for_a_machine(cores, gpus, workers, threads_each):
    chosen = threads.workers_for(cores, gpus)
    assert (chosen, threads.threads_for(cores, chosen)) == (workers, threads_each)


@given(st.integers(1, 512))
def test_workers_times_threads_is_about_the_cores(cores):
    workers = threads.workers_for(cores)
    each = threads.threads_for(cores, workers)
    assert 1 <= workers <= threads.MAX_WORKERS and each >= 1
    assert cores - workers < workers * each <= cores  # every core used, less what an uneven share leaves over


@given(st.integers(1, 64), st.integers(1, 64))
def test_more_workers_than_cores_still_get_a_thread_each(cores, workers):
    assert threads.threads_for(cores, workers) == max(1, cores // workers)


def test_a_worker_takes_its_share_of_the_cores(monkeypatch):
    monkeypatch.delenv(threads.THREADS_ENV, raising=False)
    monkeypatch.setattr(threads, "available_cores", lambda: 8)
    assert threads.chosen_threads(workers=8) == 1
    assert threads.chosen_threads(workers=4) == 2


def test_a_process_alone_or_among_fewer_workers_takes_the_rules_share(monkeypatch):
    """So that it trains the runs the rule's workers trained: the same keys whichever command asks."""
    monkeypatch.delenv(threads.THREADS_ENV, raising=False)
    monkeypatch.setattr(threads, "available_cores", lambda: 8)
    assert threads.chosen_threads(workers=None) == threads.chosen_threads(workers=2) == 2
    assert threads.chosen_threads(workers=None, gpus=1) == 8  # one worker per GPU: the CPU's threads are its


def test_the_threads_a_process_inherits_or_is_given_win(monkeypatch):
    monkeypatch.setattr(threads, "available_cores", lambda: 8)
    monkeypatch.setenv(threads.THREADS_ENV, "3")
    assert threads.chosen_threads(workers=4) == 3


@pytest.mark.parametrize("given_threads", ["0", "-2", "two", "1.5"])
def test_a_wrong_thread_count_is_refused_by_name(monkeypatch, given_threads):
    monkeypatch.setenv(threads.THREADS_ENV, given_threads)
    with pytest.raises(ValueError, match=threads.THREADS_ENV):
        threads.chosen_threads(workers=1)


RECORD_THREADS = '''
import json
import tensorflow as tf

def test_record(request):
    record = {"workers": request.config.workerinput["workercount"],
              "intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
              "inter_op": tf.config.threading.get_inter_op_parallelism_threads()}
    (request.config.rootpath / (request.config.workerinput["workerid"] + ".json")).write_text(json.dumps(record))
'''


def test_n_auto_starts_the_rules_workers_each_with_its_share_of_threads(pytester, monkeypatch):
    monkeypatch.delenv(threads.THREADS_ENV, raising=False)  # this process's share, which the run would inherit
    pytester.makeconftest('pytest_plugins = ["experiments.harness.plugin"]')
    pytester.makepyfile(test_one=RECORD_THREADS, test_two=RECORD_THREADS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "auto", "--dist", "loadfile")
    result.assert_outcomes(passed=2)
    cores = threads.available_cores()
    workers = threads.workers_for(cores)
    records = [json.loads(path.read_text()) for path in pytester.path.glob("gw*.json")]
    assert records and all(record == {"workers": workers, "intra_op": threads.threads_for(cores, workers),
                                      "inter_op": threads.threads_for(cores, workers)} for record in records)
