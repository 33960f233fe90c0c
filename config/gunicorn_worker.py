"""The gunicorn worker: gthread, plus the moment each request was complete on the socket.

A bid is on time when the server had the whole request before the deadline
(``marketplace.receipt_time``). Under load a request can wait in a worker's thread pool, or for
the interpreter, before Django sees it; the time it then gets is later than its receipt. So
when the worker's main loop hands a connection to the pool, it peeks at the socket: if a
complete request is already there (headers and the Content-Length of body, in plain HTTP), the
time is noted and given to the thread that answers it, where ``ReceivedAtMiddleware`` takes it.
Anything else (TLS, chunked bodies, a request still arriving) gets no note, and the middleware's
own, later, time stands: the note is never earlier than the request was complete.
"""

from __future__ import annotations

import re
import socket
import time

from gunicorn.workers.gthread import ThreadWorker

from marketplace.receipt_time import worker_receipt

PEEK_BYTES = 65536
_CONTENT_LENGTH = re.compile(rb"^content-length:[ \t]*(\d+)[ \t\r]*$", re.IGNORECASE | re.MULTILINE)


def complete_request_at(sock: socket.socket) -> float | None:
    """``time.time()`` when a whole plain-HTTP request waits on ``sock``; else None."""
    try:
        data = sock.recv(PEEK_BYTES, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except OSError:  # nothing yet (EAGAIN), or a socket that cannot peek
        return None
    now = time.time()
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = data[:end]
    if b"transfer-encoding" in head.lower():
        return None
    match = _CONTENT_LENGTH.search(head)
    length = int(match.group(1)) if match else 0
    if len(data) < end + 4 + length:
        return None
    return now


class ReceiptStampingWorker(ThreadWorker):
    def enqueue_req(self, conn):
        conn.complete_at = complete_request_at(conn.sock)
        super().enqueue_req(conn)

    def handle(self, conn):
        with worker_receipt(getattr(conn, "complete_at", None)):
            return super().handle(conn)
