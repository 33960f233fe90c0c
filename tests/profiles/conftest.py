from __future__ import annotations

import pytest

from tests.profiles.fakes import recording_transport


@pytest.fixture
def brreg_fake(settings):
    """The register answers from recorded responses; ``brreg_fake.requests`` lists the calls."""
    settings.BRREG_TRANSPORT = "tests.profiles.fakes.recording_transport"
    settings.BRREG_API_URL = "https://brreg.invalid/enhetsregisteret/api/enheter/{orgnr}"
    recording_transport.reset()
    yield recording_transport
    recording_transport.reset()


@pytest.fixture(autouse=True)
def _no_real_register(settings):
    """No test reaches the real register: without ``brreg_fake`` the address goes nowhere."""
    settings.BRREG_API_URL = "http://127.0.0.1:9/enheter/{orgnr}"
    settings.BRREG_TIMEOUT_SECONDS = 1
