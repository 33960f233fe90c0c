"""A fake clamd on a local TCP port, speaking the INSTREAM protocol (the edge, not our code).

``zINSTREAM\\0``, then chunks each prefixed by a 4-byte big-endian length, then a zero length;
the reply is ``stream: OK\\0`` or ``stream: Eicar-Test-Signature FOUND\\0``. The EICAR test
string is put together at run time, so no file in the repository looks like a virus.
"""

from __future__ import annotations

import socketserver
import threading

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-" + b"TEST-FILE!$H+H*"


class _Handler(socketserver.BaseRequestHandler):
    def _exactly(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            received = self.request.recv(count - len(data))
            if not received:
                raise ConnectionError("client went away")
            data += received
        return data

    def handle(self) -> None:
        command = self._exactly(len(b"zINSTREAM\0"))
        if command != b"zINSTREAM\0":
            self.request.sendall(b"UNKNOWN COMMAND\0")
            return
        stream = bytearray()
        while True:
            length = int.from_bytes(self._exactly(4), "big")
            if length == 0:
                break
            stream += self._exactly(length)
        self.server.streams.append(bytes(stream))
        reply = b"stream: Eicar-Test-Signature FOUND\0" if EICAR in stream else b"stream: OK\0"
        self.request.sendall(reply)


class FakeClamd(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.streams: list[bytes] = []
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"tcp://{host}:{port}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)


def closed_port_url() -> str:
    """An address where nothing listens (connection refused): a scanner outage."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"tcp://127.0.0.1:{port}"


class FakeClamdUnix(socketserver.ThreadingUnixStreamServer):
    """The same fake on a unix socket (``CLAMD_URL=/run/clamav/clamd.ctl`` style)."""

    daemon_threads = True

    def __init__(self, path: str):
        super().__init__(path, _Handler)
        self.streams: list[bytes] = []
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    __enter__ = FakeClamd.__enter__
    __exit__ = FakeClamd.__exit__
