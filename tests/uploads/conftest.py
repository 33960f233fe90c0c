"""A draft tender of the buyer's, for upload tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def draft(db, buyer, buyer_unit):
    from tests.factories import TenderFactory

    return TenderFactory(buyer=buyer, unit=buyer_unit, title="Ladestasjoner")
