"""The load test's measuring parts (``make loadtest``), kept free of Django and gunicorn.

- ``run_wrk`` / ``parse_wrk``: saturation with wrk (closed loop: each connection sends its next
  request as soon as the last one is answered), read from wrk's ``--latency`` report;
- ``drive``: a small generator of our own on threads and ``http.client``. With a ``rate`` it is
  open-loop (constant rate, as wrk2 is): request *i* is due at ``start + i / rate`` whether or
  not earlier ones were answered, and its latency counts from when it was due, so a server that
  stalls is charged for the requests that queued behind the stall (no coordinated omission).
  Without a rate it is closed-loop, the fallback where wrk is not installed;
- ``percentile``: nearest rank, as the tables print it.
"""

from __future__ import annotations

import http.client
import math
import re
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

# How a request on a keep-alive connection fails when the server had just closed it.
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)
_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def percentile(samples: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest sample with at least ``share`` of all at or
    below it (p50 of 1..4 is 2, p95 of 1..100 is 95)."""
    if not samples:
        raise ValueError("no samples")
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1]: {share}")
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


class WrkError(RuntimeError):
    """wrk did not run or gave no result."""


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    rps: float
    non_2xx_3xx: int = 0
    socket_errors: int = 0
    latency_ms: dict[int, float] = field(default_factory=dict)  # {50: ..., 99: ...}


def parse_wrk(output: str) -> WrkResult:
    """Read wrk's report (with ``--latency``); ValueError if it holds no result."""
    total = re.search(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m)", output, re.MULTILINE)
    rps = re.search(r"^Requests/sec:\s*([\d.]+)", output, re.MULTILINE)
    if not total or not rps:
        last = (output.strip().splitlines() or ["(no output)"])[-1]
        raise ValueError(f"wrk printed no result: {last}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    latency = {
        int(share): _duration_ms(value)
        for share, value in re.findall(
            r"^\s+(\d+)%\s+([\d.]+(?:us|ms|s|m))\s*$",
            output.split("Latency Distribution", 1)[1] if "Latency Distribution" in output else "",
            re.MULTILINE,
        )
    }
    return WrkResult(
        requests=int(total.group(1)),
        seconds=_duration_ms(total.group(2) + total.group(3)) / 1000,
        rps=float(rps.group(1)),
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
        latency_ms=latency,
    )


def run_wrk(
    url: str,
    *,
    headers: dict[str, str],
    seconds: float,
    connections: int,
    preexec_fn: Callable[[], None] | None = None,
) -> WrkResult:
    """wrk against ``url`` for ``seconds`` (whole seconds: wrk reads no fractions) over
    ``connections`` keep-alive connections; WrkError when wrk fails or prints no result."""
    duration = max(1, round(seconds))
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s"]
    command += ["--latency", *(arg for k, v in headers.items() for arg in ("-H", f"{k}: {v}"))]
    done = subprocess.run(  # noqa: S603 (wrk from PATH, arguments we built)
        [*command, url],
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=False,
        preexec_fn=preexec_fn,
    )
    if done.returncode != 0:
        said = (done.stderr.strip() or done.stdout.strip() or "(no output)").splitlines()[0]
        raise WrkError(f"wrk exited with {done.returncode}: {said}")
    try:
        return parse_wrk(done.stdout)
    except ValueError as exc:
        raise WrkError(str(exc)) from None


@dataclass
class DriveResult:
    """What ``drive`` saw: latencies of answered requests (ms), statuses, errors."""

    rate: float | None  # the planned rate (None: closed loop)
    seconds: float  # from the first due time to the last answer
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)

    @property
    def answered(self) -> int:
        return len(self.latencies_ms)

    @property
    def achieved_rps(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0

    @property
    def not_ok(self) -> int:
        """Answers other than 200, plus requests that got no answer."""
        return sum(n for status, n in self.statuses.items() if status != 200) + sum(
            self.errors.values()
        )


def drive(
    host: str,
    port: int,
    path: str,
    *,
    headers: dict[str, str],
    seconds: float,
    rate: float | None,
    connections: int = 16,
    timeout: float = 10.0,
) -> DriveResult:
    """GET ``path`` for ``seconds``: at ``rate`` requests/s (open loop), or back to back on every
    connection (closed loop) when ``rate`` is None. One thread per keep-alive connection."""
    if rate is not None and rate <= 0:
        raise ValueError(f"rate must be positive: {rate}")
    lock = threading.Lock()
    result = DriveResult(rate=rate, seconds=0.0)
    slots = iter(range(10**12))
    start = time.perf_counter() + 0.05  # every thread is up before the first request is due
    end = start + seconds
    last_answer = [start]

    def next_due() -> float | None:
        with lock:
            slot = next(slots)
        due = start + slot / rate if rate is not None else max(time.perf_counter(), start)
        return due if due < end else None

    def get(connection: http.client.HTTPConnection) -> int:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.will_close:
            connection.close()
        return response.status

    def worker() -> None:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
        while (due := next_due()) is not None:
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            reused = connection.sock is not None
            try:
                try:
                    status = get(connection)
                except _STALE:
                    if not reused:
                        raise
                    # The server closed the idle keep-alive connection (gunicorn's keepalive
                    # is 5 s) as this request left: send it again on a new one, as browsers do.
                    connection.close()
                    status = get(connection)
                answered = time.perf_counter()
                with lock:
                    result.latencies_ms.append((answered - due) * 1000)
                    result.statuses[status] += 1
                    last_answer[0] = max(last_answer[0], answered)
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    result.errors[type(exc).__name__] += 1
                connection.close()
        connection.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + timeout + 30)
    result.seconds = max(last_answer[0], end if rate is not None else start) - start
    return result
