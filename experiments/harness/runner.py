"""What a runner must have before a shard's clock starts: directories it can write, the files the full profile
reads (in place, or their addresses answering), and the workflow's limit for a shard. The preflight asks."""

from __future__ import annotations

import os
import re
import tempfile
import urllib.request
from pathlib import Path

from experiments.data import downloads
from experiments.data.weights import keras_models_dir
from experiments.harness import fetch
from experiments.paths import WORKFLOW
from experiments.run.cache import default_cache_dir
from experiments.run.profiles import PROFILES


def download_addresses() -> dict[str, str]:
    """What the full profile downloads where no copy is in place: {what: address}."""
    return {need.what: need.url for need in fetch.needs(PROFILES["full"])}


def downloads_state() -> list[tuple[str, str]]:
    """(what, its state) for each file of the full profile: in place (not asked for again), or its address's answer."""
    found = []
    for need in fetch.needs(PROFILES["full"]):
        copy = need.present()
        failure = "" if copy is not None else reachable(need.url)
        found.append((need.what, f"in place at {copy}" if copy is not None else failure or "reachable"))
    return found


def unwritable() -> list[str]:
    """The directories a shard writes that it cannot: the run cache, the Keras cache, $REPORTS where set."""
    directories = {"the run cache": default_cache_dir(),
                   "the Keras cache": keras_models_dir().parent}
    if os.environ.get("REPORTS"):
        directories["$REPORTS"] = Path(os.environ["REPORTS"])
    problems = []
    for what, directory in directories.items():
        try:
            directory.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=directory):
                pass
        except OSError as error:
            problems.append(f"{what} ({directory}) cannot be written: {error.strerror or error}; create it and give "
                            f"the runner's user write access (sudo install -d -o \"$USER\" {directory}), or point "
                            "the workflow's variables elsewhere")
    return problems


def reachable(url: str) -> str:
    """"" when the address answers with its first byte within the stall limit; else why not."""
    request = urllib.request.Request(downloads.resolve(url), headers={"Range": "bytes=0-0"})
    try:
        with urllib.request.urlopen(request, timeout=downloads.stall_limit()) as response:
            response.read(1)
    except (OSError, ValueError) as error:
        return f"download of {downloads.resolve(url)} failed: {downloads.why_failed(error, downloads.stall_limit())}"
    return ""


def workflow_limit_minutes(path: Path = WORKFLOW) -> int | None:
    """The time limit of the workflow's shard job."""
    text = path.read_text() if path.is_file() else ""
    shard = re.search(r"^  shard:\n(.*?)(?=^  \w)", text, re.MULTILINE | re.DOTALL)
    found = re.search(r"timeout-minutes:\s*(\d+)", shard.group(1)) if shard else None
    return int(found.group(1)) if found else None
