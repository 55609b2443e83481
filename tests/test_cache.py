"""The run cache: round trip, damage detected and dropped, one writer at a time."""

from __future__ import annotations

import json
import threading
import time

import pytest

from experiments.run.cache import MANIFEST, RunCache, default_cache_dir


@pytest.fixture
def cache(tmp_path) -> RunCache:
    return RunCache(tmp_path / "cache")


@pytest.fixture
def stored(cache, tmp_path):
    source = tmp_path / "weights.bin"
    source.write_bytes(b"\x01" * 1000)
    return cache.put("k1", {"weights.bin": source})


def test_round_trip(cache, stored):
    assert cache.get("k1") == stored
    assert (stored / "weights.bin").read_bytes() == b"\x01" * 1000
    assert cache.get("other") is None


def test_truncated_file_is_a_miss_and_removed(cache, stored):
    (stored / "weights.bin").write_bytes(b"\x01" * 10)
    assert cache.get("k1") is None
    assert not stored.exists()


def test_edited_manifest_is_a_miss(cache, stored):
    manifest = json.loads((stored / MANIFEST).read_text())
    manifest["files"]["weights.bin"] = "0" * 64
    (stored / MANIFEST).write_text(json.dumps(manifest))
    assert cache.get("k1") is None


def test_missing_manifest_is_a_miss(cache, stored):
    (stored / MANIFEST).unlink()
    assert cache.get("k1") is None


def test_a_fresh_cache_reads_only_what_was_written_since(tmp_path, stored):
    """--no-cache: the old entry is not read, and what this run writes is, so a shared base trains once."""
    fresh = RunCache(tmp_path / "cache", fresh_since=time.time())
    assert fresh.get("k1") is None
    source = tmp_path / "again.bin"
    source.write_bytes(b"\x02")
    fresh.put("k1", {"weights.bin": source})
    assert fresh.get("k1") is not None and (fresh.get("k1") / "weights.bin").read_bytes() == b"\x02"


def test_no_partial_entry_is_visible(cache, tmp_path):
    source = tmp_path / "a"
    source.write_text("x")
    cache.put("k2", {"a": source})
    assert [p.name for p in cache.root.iterdir() if not p.name.startswith(".")] == ["k2"]


def test_lock_makes_the_second_caller_wait_and_reuse(cache, tmp_path):
    trainings = []
    source = tmp_path / "w"
    source.write_text("w")

    def get_or_train():
        with cache.lock("k3"):
            if cache.get("k3") is None:
                trainings.append(1)
                time.sleep(0.3)  # a slow training: the other caller must wait, not train too
                cache.put("k3", {"w": source})

    callers = [threading.Thread(target=get_or_train) for _ in range(3)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    assert len(trainings) == 1


def test_a_key_is_busy_only_while_another_holds_its_lock(cache):
    assert not cache.busy("k4")
    with cache.lock("k4"):
        assert cache.busy("k4")  # a second open file of the lock, as another process's
    assert not cache.busy("k4")


def test_train_all_takes_the_runs_nobody_else_is_training_first(cache, monkeypatch):
    """Seed 0 is being trained elsewhere: seeds 1 and 2 are trained meanwhile, seed 0 last, and the runs come back
    in the seeds' order."""
    from experiments.run import training

    asked = []
    monkeypatch.setattr(training, "cache_key", lambda spec, arrays, start_arrays=None: f"seed{spec}")
    monkeypatch.setattr(training, "train", lambda spec, *args: asked.append(spec) or f"run of seed {spec}")
    with cache.lock("seed0"):
        runs = training.train_all([0, 1, 2], arrays=None, cache=cache)
    assert asked == [1, 2, 0]
    assert runs == ["run of seed 0", "run of seed 1", "run of seed 2"]


def test_default_location(monkeypatch, tmp_path):
    monkeypatch.setenv("CONVNET_CLAIMS_CACHE", str(tmp_path / "env"))
    assert default_cache_dir() == tmp_path / "env"
    monkeypatch.delenv("CONVNET_CLAIMS_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "convnet-claims"
