"""Every download of the suite: bounded in time, whole or absent, and one line when it fails.

``keras.utils.get_file`` reads with no timeout, so a server that accepts the
connection and then sends nothing holds a run until the job's limit. Here a
download ends with DownloadError when no byte has arrived for
``$CONVNET_CLAIMS_DOWNLOAD_STALL_S`` seconds (60 by default), when the server
answers with an error, or when fewer bytes arrive than it announced. The file
is written beside its destination under a temporary name and renamed into
place only when complete, so a destination that exists was downloaded whole.

``$CONVNET_CLAIMS_MIRROR`` points every download at a mirror that keeps each
file under its original host and path (``https://host/path`` is read from
``$CONVNET_CLAIMS_MIRROR/host/path``): a network without the public hosts, or
a test server on 127.0.0.1.
"""

from __future__ import annotations

import http.client
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from experiments.data.errors import DatasetError

MIRROR_ENV = "CONVNET_CLAIMS_MIRROR"
STALL_ENV = "CONVNET_CLAIMS_DOWNLOAD_STALL_S"
DEFAULT_STALL_S = 60.0
CHUNK = 1 << 20


class DownloadError(DatasetError):
    """A download failed; the message names the address, what went wrong and where an existing copy can go."""


def stall_limit() -> float:
    """Seconds a download may go without a byte: $CONVNET_CLAIMS_DOWNLOAD_STALL_S, else 60."""
    text = os.environ.get(STALL_ENV)
    if not text:
        return DEFAULT_STALL_S
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise DatasetError(f"${STALL_ENV}={text!r}: must be a number of seconds above 0")
    return value


def resolve(url: str) -> str:
    """The address actually read for ``url``: the mirror's copy when $CONVNET_CLAIMS_MIRROR is set."""
    mirror = os.environ.get(MIRROR_ENV)
    if not mirror:
        return url
    parts = urllib.parse.urlsplit(url)
    return f"{mirror.rstrip('/')}/{parts.netloc}{parts.path}"


def _copy(response, partial: Path) -> int:
    announced = response.headers.get("Content-Length")
    received = 0
    with partial.open("wb") as out:
        while block := response.read(CHUNK):  # each read waits at most `stall` seconds (the socket's timeout)
            out.write(block)
            received += len(block)
    if announced is not None and received != int(announced):
        raise DownloadError(f"the server announced {int(announced):,} bytes and sent {received:,} (truncated)")
    return received


def fetch(url: str, destination: Path, *, remedy: str) -> Path:
    """``destination``, downloaded from ``url`` if it is not there yet; DownloadError in one line otherwise.

    ``remedy`` ends the message: the variable that points at an existing copy.
    The caller verifies the content; a file that fails it should be deleted so
    that it is fetched again.
    """
    if destination.is_file():
        return destination
    address = resolve(url)
    stall = stall_limit()
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(f".{destination.name}.{os.getpid()}.partial")
    try:
        with urllib.request.urlopen(address, timeout=stall) as response:
            _copy(response, partial)
        os.replace(partial, destination)
    except (OSError, ValueError, http.client.HTTPException, DownloadError) as error:  # URLError is an OSError
        raise DownloadError(f"download of {address} failed: {why_failed(error, stall)}; {remedy}") from None
    finally:
        partial.unlink(missing_ok=True)
    return destination


def why_failed(error: Exception, stall: float) -> str:
    """A failed download in words: the HTTP status, a stall, a truncation, or the network's own error."""
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, http.client.IncompleteRead):
        return f"the connection closed after {len(error.partial):,} bytes of the last block, {error.expected:,} short (truncated)"
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return f"no data for {stall:g} s (${STALL_ENV} sets the limit)"
    return str(reason) or type(reason).__name__
