"""A local HTTP server that speaks just enough of the Elasticsearch HTTP API for the backend's
failure paths: it answers each request with the status, body and delay a test sets, with the
product header the real client checks, and records what it was asked.

It stands in for a cluster we cannot run here (rule 5); the real client, transport and our
backend code all run unchanged against it.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PRODUCT_HEADERS = {
    "X-Elastic-Product": "Elasticsearch",
    "Content-Type": "application/vnd.elasticsearch+json;compatible-with=9",
}
ROOT = {
    "name": "fake",
    "cluster_name": "pilotmarked-test",
    "version": {"number": "9.1.0", "build_flavor": "default"},
    "tagline": "You Know, for Search",
}


@dataclass
class Answer:
    status: int = 200
    body: dict = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class FakeElasticsearch:
    """``answers`` maps a path suffix (``"/_search"``) to its Answer; ``/`` answers as a node."""

    answers: dict[str, Answer] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    url: str = ""

    def answer_for(self, path: str) -> Answer:
        bare = path.split("?", 1)[0]
        for suffix, answer in self.answers.items():
            if bare.endswith(suffix):
                return answer
        if bare in ("", "/"):
            return Answer(200, ROOT)
        return Answer(404, {"error": {"type": "index_not_found_exception"}, "status": 404})


def serve(fake: FakeElasticsearch):
    """Start the server in a thread; returns a function that stops it."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            fake.requests.append((self.command, self.path))
            answer = fake.answer_for(self.path)
            if answer.delay:
                threading.Event().wait(answer.delay)
            payload = b"" if self.command == "HEAD" else json.dumps(answer.body).encode()
            try:
                self.send_response(answer.status)
                for name, value in PRODUCT_HEADERS.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its timeout) before the answer came

        do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _answer

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return stop
