"""A small SMTP server on loopback that counts what it is given: the edge of the alert tests and
of ``make drill-alerts`` (scripts/drill_alerts.py), in place of a mail relay.

It speaks just enough SMTP for ``smtplib`` (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and
offers PIPELINING (RFC 2920) unless ``pipelining=False``, one thread per connection, and counts
connections, messages and recipients. ``refuse`` names addresses it answers 550 for at RCPT
(then 554 to DATA when no recipient is left); ``keep`` keeps each message's bytes.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections import Counter
from email import message_from_bytes, policy


class FakeSmtpServer:
    def __init__(
        self, *, refuse: frozenset[str] = frozenset(), keep: bool = False, pipelining: bool = True
    ) -> None:
        self.refuse = {address.lower() for address in refuse}
        self.pipelining = pipelining
        self.keep = keep
        self.connections = 0
        self.messages = 0
        self.recipients: Counter[str] = Counter()
        self.kept: list[bytes] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                # Answers go out at once: a pipelining client has sent the next commands already.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                owner._session(self.rfile, self.wfile)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeSmtpServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def parsed(self):
        """The kept messages as ``email.message.EmailMessage``."""
        return [message_from_bytes(raw, policy=policy.default) for raw in self.kept]

    # --- The protocol -------------------------------------------------------------------------

    def _session(self, rfile, wfile) -> None:
        with self._lock:
            self.connections += 1

        def reply(line: str) -> None:
            wfile.write(line.encode() + b"\r\n")
            wfile.flush()

        reply("220 fake-smtp ready")
        rcpts: list[str] = []
        while True:
            line = rfile.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb == b"EHLO":
                reply("250-fake-smtp\r\n250-PIPELINING" if self.pipelining else "250-fake-smtp")
                reply("250 8BITMIME")
            elif verb == b"HELO":
                reply("250 fake-smtp")
            elif verb == b"MAIL":
                rcpts = []
                reply("250 OK")
            elif verb == b"RCPT":
                address = line.decode().split(":", 1)[1].strip().strip("<>").lower()
                if address in self.refuse:
                    reply("550 no such mailbox")
                else:
                    rcpts.append(address)
                    reply("250 OK")
            elif verb == b"DATA":
                if not rcpts:
                    reply("554 no valid recipients")
                    continue
                reply("354 go ahead")
                chunks = []
                while True:
                    chunk = rfile.readline()
                    if not chunk or chunk == b".\r\n":
                        break
                    chunks.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                with self._lock:
                    self.messages += 1
                    self.recipients.update(rcpts)
                    if self.keep:
                        self.kept.append(b"".join(chunks))
                reply("250 OK queued")
            elif verb in {b"RSET", b"NOOP"}:
                rcpts = [] if verb == b"RSET" else rcpts
                reply("250 OK")
            elif verb == b"QUIT":
                reply("221 bye")
                return
            else:
                reply("502 not implemented")
