"""A recording fake of the Brønnøysund register's HTTP transport (the edge of our system).

Point ``settings.BRREG_TRANSPORT`` at ``"tests.profiles.fakes.recording_transport"``; the
``brreg_fake`` fixture does, and resets it. It answers from recorded responses in ``fixtures/``
(``brreg_<orgnr>.json``), 404 for any other number, and remembers every URL it was asked for.
A test can make it fail like the network (``fail_with``) or answer something odd (``respond``).
"""

from __future__ import annotations

import re
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


class RecordingTransport:
    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.requests: list[tuple[str, float]] = []
        self.error: Exception | None = None
        self.override: tuple[int, bytes] | None = None

    def fail_with(self, error: Exception) -> None:
        self.error = error

    def respond(self, status: int, body: bytes) -> None:
        self.override = (status, body)

    def __call__(self, url: str, *, timeout: float) -> tuple[int, bytes]:
        self.requests.append((url, timeout))
        if self.error is not None:
            raise self.error
        if self.override is not None:
            return self.override
        match = re.search(r"/enheter/(\d{9})$", url)
        recorded = FIXTURES / f"brreg_{match.group(1)}.json" if match else None
        if recorded is None or not recorded.exists():
            return 404, b'{"status":404,"error":"Not Found","path":"/enhetsregisteret/api"}'
        return 200, recorded.read_bytes()


recording_transport = RecordingTransport()
