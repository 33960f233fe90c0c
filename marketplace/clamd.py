"""A tiny clamd client (the INSTREAM command) and the scan status every stored upload has.

When ``CLAMD_URL`` is set (``tcp://host:3310`` or a unix socket path such as
``/run/clamav/clamd.ctl``), uploads are stored ``pending`` and a task sends their plaintext to
clamd: ``zINSTREAM\\0``, then chunks each prefixed by their length (4 bytes, big-endian), then a
zero length. clamd answers ``stream: OK`` or ``stream: <signature> FOUND`` (or ``… ERROR``).

A file is available (downloadable, submittable) only when ``unscanned`` (no scanner was
configured when it was stored) or ``clean``. When clamd cannot be reached the file stays
``pending`` and the sweeper tries again; clamd's own errors (a stream over its size limit) make
it ``error``, which is not available either.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SEND_BYTES = 64 * 1024  # clamd's StreamMaxLength applies to the whole stream, not a chunk


class ScanStatus(models.TextChoices):
    UNSCANNED = "unscanned", _("Not scanned")
    PENDING = "pending", _("Waiting for the virus scan")
    CLEAN = "clean", _("Scanned, no virus found")
    INFECTED = "infected", _("Virus found (quarantined)")
    ERROR = "error", _("The virus scan failed")


AVAILABLE = frozenset({ScanStatus.UNSCANNED, ScanStatus.CLEAN})


class ScannerUnavailable(Exception):
    """clamd could not be reached or broke off: the file stays pending and is tried again."""


@dataclass(frozen=True)
class Verdict:
    status: ScanStatus
    signature: str = ""  # the virus name, or clamd's error text


def scanning_enabled() -> bool:
    return bool(settings.CLAMD_URL)


def initial_status() -> ScanStatus:
    """The status a newly stored upload gets."""
    return ScanStatus.PENDING if scanning_enabled() else ScanStatus.UNSCANNED


def is_available(status: str) -> bool:
    return status in AVAILABLE


def _connect(url: str, timeout: float) -> socket.socket:
    if url.startswith("tcp://"):
        parts = urlsplit(url)
        return socket.create_connection((parts.hostname, parts.port or 3310), timeout=timeout)
    path = url.removeprefix("unix://")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(path)
    except BaseException:
        sock.close()
        raise
    return sock


def parse_reply(reply: bytes) -> Verdict:
    text = reply.rstrip(b"\0\n").decode("utf-8", "replace").strip()
    body = text.partition(": ")[2] if text.startswith("stream") else text
    if body == "OK":
        return Verdict(ScanStatus.CLEAN)
    if body.endswith(" FOUND"):
        return Verdict(ScanStatus.INFECTED, body.removesuffix(" FOUND").strip()[:200])
    if not body:
        raise ScannerUnavailable("clamd closed the connection without an answer")
    return Verdict(ScanStatus.ERROR, body.removesuffix(" ERROR").strip()[:200])


def _read_reply(sock: socket.socket) -> bytes:
    reply = b""
    try:
        while not reply.endswith(b"\0") and len(reply) < 4096:
            received = sock.recv(4096)
            if not received:
                break
            reply += received
    except OSError:
        pass  # whatever arrived before the connection broke is still the answer
    return reply


def scan(chunks: Iterable[bytes], *, url: str | None = None) -> Verdict:
    """Send ``chunks`` to clamd with INSTREAM and return its verdict; raise
    :class:`ScannerUnavailable` when clamd cannot be reached or breaks off without an answer.

    clamd closes the connection when a stream passes its ``StreamMaxLength``; the answer it sent
    first (``INSTREAM size limit exceeded. ERROR``) is read and becomes an ``error`` verdict.
    """
    url = url or settings.CLAMD_URL
    try:
        with _connect(url, settings.CLAMD_TIMEOUT_SECONDS) as sock:
            try:
                sock.sendall(b"zINSTREAM\0")
                for chunk in chunks:
                    for start in range(0, len(chunk), SEND_BYTES):
                        piece = chunk[start : start + SEND_BYTES]
                        sock.sendall(len(piece).to_bytes(4, "big") + piece)
                sock.sendall(b"\0\0\0\0")
            except (BrokenPipeError, ConnectionResetError) as error:
                reply = _read_reply(sock)
                if not reply:
                    raise ScannerUnavailable(str(error)) from error
                return parse_reply(reply)
            reply = _read_reply(sock)
    except OSError as error:  # refused, reset, timed out, no such socket
        raise ScannerUnavailable(str(error)) from error
    return parse_reply(reply)
