# pytester's in-process runs put sys.modules back as they found it, and TensorFlow aborts the
# process when it is imported a second time: import it once, before any of those runs.
import tensorflow  # noqa: F401

import pytest  # noqa: E402

from tests.servers import Mirror  # noqa: E402

STALL_S = 1.5  # a test's download limit: a stalled server must be given up on within seconds


@pytest.fixture
def mirror(monkeypatch, tmp_path):
    """A mirror of the download hosts on 127.0.0.1, an empty Keras cache, and every download pointed at it."""
    server = Mirror()
    monkeypatch.setenv("CONVNET_CLAIMS_MIRROR", server.url)
    monkeypatch.setenv("CONVNET_CLAIMS_DOWNLOAD_STALL_S", str(STALL_S))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    yield server
    server.close()
