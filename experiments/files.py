"""Writing a file so that a reader finds the old one or the new one, never part of either."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomically(path: Path, text: str) -> None:
    """``text`` into ``path`` through a temporary file beside it, renamed over it in one step; the temporary file is
    named by the process, so that two processes writing the same file do not write into one temporary file."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
