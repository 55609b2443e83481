"""An HTTP server on 127.0.0.1 that plays the suite's download hosts, well or badly.

Files are registered under the address they have on the internet; the server
holds them as a mirror does (``/host/path``), and $CONVNET_CLAIMS_MIRROR points
the downloads at it. A file can also be made to fail: ``stall`` (headers, then
silence), ``truncate`` (announce every byte, send half, close); an address never
registered answers 404.
"""

from __future__ import annotations

import http.server
import threading
import urllib.parse


class Mirror:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.failures: dict[str, str] = {}
        self.requests: list[str] = []
        self._released = threading.Event()
        mirror = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
                mirror.requests.append(self.path)
                content = mirror.files.get(self.path)
                if content is None:
                    self.send_error(404, "Not Found")
                    return
                failure = mirror.failures.get(self.path)
                self.send_response(200)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                if failure == "stall":
                    mirror._released.wait(120)  # until the test ends; the client must give up long before
                    return
                self.wfile.write(content[: len(content) // 2] if failure == "truncate" else content)

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    @staticmethod
    def path_of(url: str) -> str:
        parts = urllib.parse.urlsplit(url)
        return f"/{parts.netloc}{parts.path}"

    def serve(self, url: str, content: bytes, failure: str | None = None) -> None:
        self.files[self.path_of(url)] = content
        if failure:
            self.failures[self.path_of(url)] = failure

    def asked_for(self, url: str) -> int:
        return self.requests.count(self.path_of(url))

    def close(self) -> None:
        self._released.set()
        self.server.shutdown()
        self.server.server_close()
