"""make preflight on a CPU, at a tiny size: every step runs, each file not in place is asked for, and only what a
shard cannot do without sets the exit code."""

from __future__ import annotations

from experiments.harness import preflight, runner


def test_preflight_checks_each_heavy_run_and_each_download(mirror, capsys, monkeypatch):
    every_run = preflight.heavy_runs()
    assert [run.name for run in every_run][-2:] == ["MobileNetV2 (TFT), base frozen", "MobileNetV2 (TFT), fine-tuned from layer 100"]
    runs = [every_run[0], every_run[3]]  # the from-scratch convnet and VGG16's fine-tuning, to keep the test short
    monkeypatch.setattr(preflight, "heavy_runs", lambda: runs)
    for url in runner.download_addresses().values():
        mirror.serve(url, b"the first bytes of the file")
    assert preflight.main(["--allow-cpu", "--size", "48", "--steps", "2", "--seeds", "1"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("GPU: none — the installed TensorFlow is the CPU wheel")
    assert printed.count("one step twice bit-identical") == len(runs)
    states = dict(runner.downloads_state())
    assert all(state == "reachable" or state.startswith("in place at ") for state in states.values()), states
    assert "reachable" in states.values()  # the mirror's, for what the empty Keras cache lacks
    assert printed.count("download ") == len(runner.download_addresses())
    assert "projected the full profile, 1 seeds, heavy runs only:" in printed
    assert "each shard of the nightly workflow is allowed 90 min" in printed


def test_a_missing_download_is_said_and_fails_nothing_and_no_gpu_stops_at_once(mirror, capsys, monkeypatch):
    assert preflight.main([]) == 1  # no GPU, not allowed: stops at once
    assert capsys.readouterr().out.startswith("GPU: none")
    monkeypatch.setattr(preflight, "heavy_runs", list)
    assert preflight.main(["--allow-cpu"]) == 0  # the mirror has nothing: each file not in place is said
    printed = capsys.readouterr().out
    assert "download elephant photograph: download of" in printed and "HTTP 404" in printed


def test_a_directory_the_shard_cannot_write_fails_with_what_to_do(mirror, capsys, monkeypatch, tmp_path):
    blocked = tmp_path / "a file where the cache's parent should be"
    blocked.write_text("")  # no directory can be made under a file, whoever asks
    monkeypatch.setenv("CONVNET_CLAIMS_CACHE", str(blocked / "cache"))
    monkeypatch.setattr(preflight, "heavy_runs", list)
    monkeypatch.setattr(runner, "downloads_state", list)
    assert preflight.main(["--allow-cpu"]) == 1
    assert f"the run cache ({blocked / 'cache'}) cannot be written" in capsys.readouterr().out


def test_a_shard_over_its_share_of_the_limit_fails(capsys, monkeypatch):
    runs = preflight.heavy_runs()
    monkeypatch.setattr(preflight, "one_step_twice", lambda run, size: True)
    monkeypatch.setattr(preflight, "validates_a_whole_batch", lambda run, size: None)
    monkeypatch.setattr(preflight, "flops_per_epoch", lambda run, size: 1e12)
    monkeypatch.setattr(runner, "downloads_state", list)
    limit = runner.workflow_limit_minutes()
    scratch = [run for run in runs if run.module == "checks/test_overfitting.py"]
    per_epoch = preflight.SHARD_SHARE * limit * 60 / sum(run.epochs for run in scratch)  # exactly at the share
    for seconds, status in ((per_epoch * 0.99, 0), (per_epoch * 1.01, 1)):
        monkeypatch.setattr(preflight, "timed_epoch_seconds", lambda run, size, steps, s=seconds: s)
        assert preflight.main(["--allow-cpu", "--seeds", "1", "--checks", "checks/test_overfitting.py"]) == status
        printed = capsys.readouterr().out
        assert printed.count("one step twice") == len(scratch)  # the shard's heavy runs only
        assert ("over budget" in printed) == bool(status)


def test_the_projection_from_arithmetic_needs_no_gpu_and_adds_up(capsys, monkeypatch):
    runs = [preflight.heavy_runs()[0]]
    monkeypatch.setattr(preflight, "heavy_runs", lambda: runs)
    assert preflight.main(["--arithmetic", "10", "--size", "48", "--seeds", "2"]) == 0
    printed = capsys.readouterr().out
    flop = preflight.flops_per_epoch(runs[0], 48) * runs[0].epochs * 2
    assert f"{flop / 1e15:.2f} PFLOP for 2 run(s)" in printed
    assert f"{flop / 10e12 / 60:.1f} min at 10 TFLOP/s" in printed and "GPU:" not in printed


def test_a_run_out_of_gpu_memory_is_said_and_fails(capsys, monkeypatch):
    def exhausted(run, size, steps):
        raise preflight.ResourceExhaustedError(None, None, "OOM when allocating tensor with shape[1024,64,150,150]")

    runs = preflight.heavy_runs()[:1]
    monkeypatch.setattr(preflight, "heavy_runs", lambda: runs)
    monkeypatch.setattr(preflight, "one_step_twice", lambda run, size: True)
    monkeypatch.setattr(preflight, "validates_a_whole_batch", lambda run, size: exhausted(run, size, 0))
    monkeypatch.setattr(runner, "downloads_state", list)
    assert preflight.main(["--allow-cpu"]) == 1
    assert f"{runs[0].name} at {runs[0].size} px: out of GPU memory" in capsys.readouterr().out
