"""The load test's measuring parts (scripts/load_generators.py): no gunicorn, no database.

The generator runs against small HTTP servers in a thread on 127.0.0.1. Nothing here asserts a
speed: the request counts follow from the schedule, and the latency bounds from a server that
sleeps on purpose.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from scripts.load_generators import WrkError, drive, parse_wrk, percentile, run_wrk

WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:8123/konkurranser/
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    35.10ms    4.20ms  80.03ms   91.00%
    Req/Sec   228.13     20.11   260.00     70.00%
  Latency Distribution
     50%  850.00us
     75%   36.50ms
     90%   40.10ms
     99%    1.20s
  2281 requests in 10.01s, 71.92MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:    227.86
Transfer/sec:      7.19MB
"""


def test_parse_wrk_reads_totals_rate_errors_and_latency_in_any_unit():
    result = parse_wrk(WRK_OUTPUT)

    assert (result.requests, result.seconds, result.rps) == (2281, 10.01, 227.86)
    assert (result.non_2xx_3xx, result.socket_errors) == (7, 5)
    assert result.latency_ms == {50: 0.85, 75: 36.5, 90: 40.1, 99: 1200.0}


def test_parse_wrk_without_errors_or_distribution():
    output = "\n".join(
        line
        for line in WRK_OUTPUT.splitlines()
        if not line.lstrip().startswith(("Socket", "Non-2xx", "Latency Distribution"))
        and "%" not in line.split()[0]
    )

    result = parse_wrk(output)

    assert (result.non_2xx_3xx, result.socket_errors, result.latency_ms) == (0, 0, {})


def test_parse_wrk_refuses_output_without_a_result():
    with pytest.raises(ValueError, match="unable to connect"):
        parse_wrk("unable to connect to 127.0.0.1:9:Connection refused\n")


@pytest.mark.parametrize(
    ("samples", "share", "expected"),
    [
        ([4, 1, 3, 2], 0.5, 2),
        (list(range(1, 101)), 0.95, 95),
        (list(range(1, 101)), 0.5, 50),
        (list(range(1, 21)), 0.95, 19),
        ([7.5], 0.95, 7.5),
        ([1, 2, 3], 1.0, 3),
    ],
)
def test_percentile_is_the_nearest_rank(samples, share, expected):
    assert percentile(samples, share) == expected


def test_percentile_needs_samples_and_a_share():
    with pytest.raises(ValueError):
        percentile([], 0.5)
    with pytest.raises(ValueError):
        percentile([1], 0)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn
    status = 200
    stall_first = 0.0  # seconds the first request waits before its answer

    def do_GET(self):
        server = self.server
        with server.lock:
            server.paths.append(self.path)
            first = len(server.paths) == 1
        if first and self.stall_first:
            time.sleep(self.stall_first)
        self.send_response(self.status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def serve():
    servers = []

    def start(**handler_attributes):
        handler = type("Handler", (_Handler,), handler_attributes)
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        server.lock = threading.Lock()
        server.paths = []
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_open_loop_sends_the_planned_number_of_requests(serve):
    server = serve()

    result = drive(
        "127.0.0.1", server.server_port, "/p?q=1", headers={}, seconds=0.5, rate=40, connections=4
    )

    # due at 0, 25, ..., 475 ms: twenty requests, each answered 200
    assert len(server.paths) == 20
    assert set(server.paths) == {"/p?q=1"}
    assert result.statuses == {200: 20}
    assert result.answered == 20
    assert result.not_ok == 0
    assert result.rate == 40


def test_open_loop_counts_latency_from_when_a_request_was_due(serve):
    # given one connection and a server whose first answer takes 0.3 s
    server = serve(stall_first=0.3)

    # when ten requests are due 20 ms apart
    result = drive(
        "127.0.0.1", server.server_port, "/", headers={}, seconds=0.2, rate=50, connections=1
    )

    # then those that queued behind the stall are charged for the wait: the request due at
    # 180 ms was sent after 300 ms. Timed from sending, each would take about a millisecond.
    assert result.answered == 10
    assert max(result.latencies_ms) >= 300
    assert sorted(result.latencies_ms)[-9] >= 100


def test_closed_loop_without_a_rate_keeps_every_connection_busy(serve):
    server = serve()

    result = drive("127.0.0.1", server.server_port, "/", headers={}, seconds=0.3, rate=None)

    assert result.rate is None
    assert result.answered == len(server.paths) > 16
    assert result.not_ok == 0


def test_answers_other_than_200_are_counted(serve):
    server = serve(status=429)

    result = drive(
        "127.0.0.1", server.server_port, "/", headers={}, seconds=0.25, rate=20, connections=2
    )

    assert result.statuses == {429: 5}
    assert result.not_ok == 5


def test_refused_connections_are_errors_not_answers():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens once the probe is closed

    result = drive("127.0.0.1", port, "/", headers={}, seconds=0.1, rate=20, connections=1)

    assert result.answered == 0
    assert result.errors == {"ConnectionRefusedError": 2}
    assert result.not_ok == 2


def test_a_keep_alive_connection_the_server_closed_is_opened_again():
    # given a server that answers one request per connection, keep-alive implied, then hangs up
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted = []

    def answer_once():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            accepted.append(conn)
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            conn.close()

    threading.Thread(target=answer_once, daemon=True).start()
    try:
        # when one connection sends five requests
        result = drive(
            "127.0.0.1",
            listener.getsockname()[1],
            "/",
            headers={},
            seconds=0.25,
            rate=20,
            connections=1,
        )
    finally:
        listener.close()

    # then each is sent again on a new connection and answered, as a browser does
    assert result.statuses == {200: 5}
    assert result.errors == {}
    assert len(accepted) == 5


needs_wrk = pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is not installed")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


@needs_wrk
def test_run_wrk_takes_whole_seconds_and_sends_the_headers(serve):
    server = serve()

    # wrk refuses "-d1.4s": the run lasts one second
    result = run_wrk(
        f"http://127.0.0.1:{server.server_port}/x",
        headers={"X-Forwarded-Proto": "https"},
        seconds=1.4,
        connections=2,
    )

    assert result.requests > 0
    assert 0.9 < result.seconds < 2
    assert result.non_2xx_3xx == 0
    assert set(server.paths) == {"/x"}


@needs_wrk
def test_run_wrk_says_why_it_could_not_run():
    with pytest.raises(WrkError, match="unable to connect"):
        run_wrk(f"http://127.0.0.1:{_free_port()}/", headers={}, seconds=1, connections=1)
