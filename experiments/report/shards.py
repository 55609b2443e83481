"""One run from several: the results.json of shards that ran parts of the suite on different runners.

A nightly may split the checks across a matrix of runners (one section each,
say); a last job merges what they wrote into one run, one report and one
history entry:

    python -m experiments.report merge --report-dir DIR NAME=PATH/results.json ...

Each claim comes from the one shard that checked it. A claim checked in two
shards is an error of the split (its verdict says so, with both shards'
checks kept); a shard whose results.json is missing (its runner died) is
named in the run, which is incomplete, and the claims only it would have
checked are "not checked in this run". Shards of different profiles, seeds
or commits are refused: they are not one run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from experiments.claims import CATALOGUE
from experiments.report.results import SCHEMA_VERSION, claim_entry

AGREE = ("profile", "profile_description", "seeds", "git_commit")  # what makes several shards one run


class ShardError(Exception):
    """The shards cannot be one run."""


def merge(shards: Mapping[str, Mapping[str, Any] | None]) -> dict[str, Any]:
    """The run made of ``shards`` (shard name → its results, or None where it wrote none)."""
    present = {name: results for name, results in shards.items() if results is not None}
    if not present:
        raise ShardError(f"no shard wrote its results: {', '.join(shards) or 'none named'}")
    runs = {name: results["run"] for name, results in present.items()}
    for key in AGREE:
        values = {name: run.get(key) for name, run in runs.items()}
        if len(set(map(repr, values.values()))) > 1:
            raise ShardError(f"the shards differ in {key}: " + ", ".join(f"{n}: {v}" for n, v in values.items()))
    missing = [name for name, results in shards.items() if results is None]
    first = next(iter(runs.values()))
    started = min(run["started"] for run in runs.values())
    run = {
        **{key: first[key] for key in AGREE},
        "id": f"{min(run['id'] for run in runs.values()).rsplit('-', 1)[0]}-{first['profile']}-merged",
        "started": started,
        "duration_s": max(run["duration_s"] for run in runs.values()),  # the shards ran side by side
        "versions": first["versions"],  # each shard's own are under "shards"; a merge of differing ones says so below
        # every shard's GPUs: the night's class of device, which its baseline must share (history.previous_run)
        "device": {**first["device"], "gpus": sorted({gpu for run in runs.values() for gpu in run["device"].get("gpus", [])})},
        "versions_differ": sorted({name for run in runs.values() for name, version in run["versions"].items()
                                   if version != first["versions"].get(name)}),
        "data": {k: v for run in runs.values() for k, v in run.get("data", {}).items()},
        "workers": {f"{name}/{worker}": gpu for name, run in runs.items() for worker, gpu in run.get("workers", {}).items()},
        "determinism": first["determinism"],
        "command": "merge of " + ", ".join(shards),
        "exit_status": max([run["exit_status"] for run in runs.values()] + [1 if missing else 0]),
        "incomplete": bool(missing) or any(run.get("incomplete") for run in runs.values()),
        "stopped_by": next((run["stopped_by"] for run in runs.values() if run.get("stopped_by")), None),
        "shards": {name: ({"run": runs[name]["id"], "versions": runs[name]["versions"], "device": runs[name]["device"]}
                          if name in runs else {"missing": "wrote no results.json: its claims were not checked"})
                   for name in shards},
    }
    return {"schema_version": SCHEMA_VERSION, "run": run, "claims": [_claim(c, present) for c in CATALOGUE]}


def _claim(claim, present: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The claim's entry from the shard that checked it; an error when more than one did."""
    checked = {name: entry for name, results in present.items() for entry in results["claims"]
               if entry["id"] == claim.id and entry["verdict"] != "not_encoded"}
    if not checked:
        return claim_entry(claim, [])
    if len(checked) == 1:
        return dict(next(iter(checked.values())))
    entries = list(checked.values())
    message = (f"{claim.id}: checked in {len(checked)} shards ({', '.join(checked)}): the split must give each "
               "claim to one shard")
    return {
        **entries[0],
        "verdict": "error",
        "measured": [m for entry in entries for m in entry["measured"]],
        "figures": [f for entry in entries for f in entry["figures"]],
        "tests": [{**t, "test": f"{name}: {t['test']}"} for name, entry in checked.items() for t in entry["tests"]]
                 + [{"test": "(merge)", "verdict": "error", "message": message, "duration_s": 0.0, "notes": []}],
    }


def read(argument: str) -> tuple[str, Path]:
    """NAME=PATH, or a PATH named by its folder."""
    name, _, path = argument.rpartition("=")
    return (name or Path(path).parent.name or path), Path(path)
