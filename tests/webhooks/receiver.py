"""A real HTTP receiver on loopback for the webhook tests (and the browser test of webhooks).

``receiver.url("/ok")`` answers 200, ``/fail`` 500, ``/moved`` a redirect; every request it gets
is kept in ``receiver.requests`` (path, headers, body).
"""

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

ANSWERS = {"/ok": 200, "/fail": 500, "/moved": 302}


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


@dataclass
class Receiver:
    port: int
    requests: list = field(default_factory=list)

    def url(self, path: str = "/ok") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def receiver():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            path = self.path.split("?", 1)[0]
            received.append(Received(self.path, dict(self.headers), body))
            status = ANSWERS.get(path, 404)
            self.send_response(status)
            if status == 302:
                self.send_header("Location", "/ok")
            payload = b"nope: the receiver is broken" if status >= 400 else b"thanks"
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Receiver(port=server.server_address[1], requests=received)
    finally:
        server.shutdown()
        server.server_close()
