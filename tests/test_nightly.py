"""The nightly workflow as the team adopting it runs it: the files fetched before the clock, every shard's
results kept when its time runs out, the night's own report uploaded, and one history on one machine."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from experiments.harness import runner

ROOT = Path(__file__).resolve().parents[1]
TEXT = (ROOT / ".github" / "workflows" / "nightly.yml").read_text()
WORKFLOW = yaml.safe_load(TEXT)
JOBS = WORKFLOW["jobs"]


def steps(job: str) -> list[dict]:
    return JOBS[job]["steps"]


def step(job: str, name_starts: str) -> dict:
    (found,) = [s for s in steps(job) if s.get("name", "").startswith(name_starts)]
    return found


def test_every_check_module_runs_in_exactly_one_shard():
    shards = {entry["name"]: entry["checks"].split() for entry in JOBS["shard"]["strategy"]["matrix"]["include"]}
    modules = [module for checks in shards.values() for module in checks]
    assert len(modules) == len(set(modules)), "a module in two shards: its claims would be an error of the merge"
    assert sorted(modules) == sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "checks").glob("test_*.py"))
    merged = set(re.findall(r"([\w-]+)=shards/shard-([\w-]+)/results\.json", step("merge", "Merge")["run"]))
    assert merged == {(name, name) for name in shards}


def test_the_files_are_fetched_in_a_job_of_their_own_before_the_shards_which_restore_them():
    fetched = step("fetch", "Fetch")["run"]
    assert "-m experiments.harness.fetch --profile full" in fetched
    assert JOBS["fetch"]["timeout-minutes"] and JOBS["shard"]["needs"] == "fetch"
    assert JOBS["shard"]["if"] == "${{ !cancelled() }}"  # a file the fetch missed fails its checks, not every shard
    keys = {s["with"]["key"] for job in ("fetch", "shard") for s in steps(job)
            if s.get("uses", "").startswith("actions/cache/")}
    assert len(keys) == 1, keys  # the shards restore what the fetch saved
    assert all(s["with"]["path"] == "${{ env.KERAS_HOME }}" for job in ("fetch", "shard") for s in steps(job)
               if s.get("uses", "").startswith("actions/cache/"))


def test_pytest_is_stopped_before_its_job_and_its_results_are_uploaded_anyway():
    shard = JOBS["shard"]
    verify = step("shard", "Verify")["run"]
    assert re.search(r'timeout --signal=TERM .*"\$\{PYTEST_MINUTES\}m"', verify)
    assert int(shard["env"]["PYTEST_MINUTES"]) < shard["timeout-minutes"] == runner.workflow_limit_minutes()
    upload = next(s for s in steps("shard") if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["if"].startswith("always()") and "steps.written.outputs.dir" in upload["with"]["path"]


def test_no_upload_follows_latest_and_a_failed_merge_uploads_nothing_stale():
    for job in JOBS:
        for s in steps(job):
            if s.get("uses", "").startswith("actions/upload-artifact"):
                assert "latest" not in s["with"]["path"], s
    merge = step("merge", "Merge")["run"]
    assert 'readlink -f "$REPORTS/latest"' in merge and '[ "$after" != "$before" ]' in merge
    keep = step("merge", "Keep")
    assert keep["if"] == "always() && steps.merge.outputs.dir != ''" and "-L" not in keep["run"]


def test_the_merge_keeps_one_history_on_one_machine_without_a_gpu():
    labels = JOBS["merge"]["runs-on"]
    assert "convnet-claims-history" in labels and "gpu" not in labels
    assert "make setup TF_EXTRA=cpu" in step("merge", "Install")["run"]


def test_inputs_reach_the_shell_only_through_the_environment():
    """${{ inputs.… }} inside a run script is pasted into the shell before it runs: a seed of `1; rm -rf ~` would run."""
    for job in JOBS:
        for s in steps(job):
            assert "${{ inputs." not in s.get("run", ""), (job, s.get("name"))
    assert step("shard", "Verify")["env"]["SEEDS"] == "${{ inputs.seeds }}"


def test_every_job_sets_up_python_and_every_command_it_runs_exists():
    for job in JOBS:
        assert any(s.get("uses", "").startswith("actions/setup-python") and s["with"]["python-version"] == "3.11"
                   for s in steps(job)), job
    modules = set(re.findall(r"\.venv/bin/python -m ([\w.]+)", TEXT))
    assert modules == {"experiments.harness.fetch", "experiments.harness.preflight", "experiments.report"}
    assert all((ROOT / Path(*module.split("."))).with_suffix(".py").is_file() or (ROOT / Path(*module.split("."))).is_dir()
               for module in modules)
