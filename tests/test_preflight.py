"""make preflight on a CPU, at a tiny size: every step runs, every download is asked, a failure sets the exit code."""

from __future__ import annotations

from experiments.harness import preflight


def test_preflight_checks_each_heavy_run_and_each_download(mirror, capsys, monkeypatch):
    every_run = preflight.heavy_runs()
    assert [run.name for run in every_run][-2:] == ["MobileNetV2 (TFT), base frozen", "MobileNetV2 (TFT), fine-tuned from layer 100"]
    runs = [every_run[0], every_run[3]]  # the from-scratch convnet and VGG16's fine-tuning, to keep the test short
    monkeypatch.setattr(preflight, "heavy_runs", lambda: runs)
    for url in preflight.download_addresses().values():
        mirror.serve(url, b"the first bytes of the file")
    assert preflight.main(["--allow-cpu", "--size", "48", "--steps", "2", "--seeds", "1"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("GPU: none — the installed TensorFlow is the CPU wheel")
    assert printed.count("one step twice bit-identical") == len(runs)
    assert printed.count(": reachable") == len(preflight.download_addresses())
    assert "projected full profile, 1 seeds, heavy runs only:" in printed and "each shard of the nightly workflow is allowed 90 min" in printed


def test_preflight_fails_on_a_missing_download_and_without_a_gpu(mirror, capsys, monkeypatch):
    assert preflight.main([]) == 1  # no GPU, not allowed: stops at once
    assert capsys.readouterr().out.startswith("GPU: none")
    monkeypatch.setattr(preflight, "heavy_runs", lambda: [])
    assert preflight.main(["--allow-cpu"]) == 1  # the mirror has nothing: every download fails
    assert "HTTP 404" in capsys.readouterr().out


def test_the_projection_from_arithmetic_needs_no_gpu_and_adds_up(capsys, monkeypatch):
    runs = [preflight.heavy_runs()[0]]
    monkeypatch.setattr(preflight, "heavy_runs", lambda: runs)
    assert preflight.main(["--arithmetic", "10", "--size", "48", "--seeds", "2"]) == 0
    printed = capsys.readouterr().out
    flop = preflight.flops_per_epoch(runs[0], 48) * runs[0].epochs * 2
    assert f"{flop / 1e15:.2f} PFLOP for 2 run(s)" in printed
    assert f"{flop / 10e12 / 60:.1f} min at 10 TFLOP/s" in printed and "GPU:" not in printed
