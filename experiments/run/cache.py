"""A content-addressed store of trained runs, safe against damage and concurrent writers.

An entry is a directory named by its key, holding the run's files and a
manifest with each file's SHA-256. It appears in one `rename`, complete or not
at all; an entry whose files do not match its manifest is removed and
reported as missing, so the run is trained again rather than trusted. A lock
per key makes a second process wait for the first one's training instead of
repeating it. A cache opened with ``fresh_since`` (``--no-cache``) reads only
entries written since that moment: every run is trained again, but once, so
the runs that others start from are not retrained for each of them.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Iterator, Mapping

CACHE_ENV = "CONVNET_CLAIMS_CACHE"
MANIFEST = "manifest.json"


def default_cache_dir() -> Path:
    """$CONVNET_CLAIMS_CACHE, else $XDG_CACHE_HOME/convnet-claims, else ~/.cache/convnet-claims."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "convnet-claims"


def _sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


class RunCache:
    def __init__(self, root: Path, fresh_since: float | None = None):
        self.root = root
        self.fresh_since = fresh_since  # a time.time(): entries written before it are not read (still replaced)
        self.root.mkdir(parents=True, exist_ok=True)

    def get(self, key: str) -> Path | None:
        """The entry's directory if it exists, is fresh enough and every file matches the manifest; else None."""
        entry = self.root / key
        if not entry.is_dir():
            return None
        try:
            manifest = json.loads((entry / MANIFEST).read_text())
            intact = all(_sha256(entry / name) == digest for name, digest in manifest["files"].items())
        except (OSError, ValueError, KeyError, TypeError):
            intact = False
        if not intact:
            shutil.rmtree(entry, ignore_errors=True)
            return None
        if self.fresh_since is not None and manifest.get("written", 0.0) < self.fresh_since:
            return None
        return entry

    def put(self, key: str, files: Mapping[str, Path]) -> Path:
        """Store copies of ``files`` (name in the entry → source path) as the entry ``key``."""
        staging = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=self.root))
        for name, source in files.items():
            shutil.copyfile(source, staging / name)
        manifest = {"files": {name: _sha256(staging / name) for name in files}, "written": time.time()}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1))
        entry = self.root / key
        shutil.rmtree(entry, ignore_errors=True)  # a damaged or forced-out entry
        os.rename(staging, entry)
        return entry

    def busy(self, key: str) -> bool:
        """Whether another process holds the key's lock now (it is training that run)."""
        with (self.root / f".{key}.lock").open("w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False

    @contextlib.contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """Hold the key's lock: other processes asking for the same run wait here."""
        with (self.root / f".{key}.lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
