"""Actors for the bidding side: the lead supplier's member, another supplier's member."""

from __future__ import annotations

import pytest


@pytest.fixture
def tender(db):
    from tests.factories.bids import tender_ready_for_bids

    return tender_ready_for_bids(lots=2, requirements=1)


@pytest.fixture
def lead(db):
    from tests.factories import SupplierFactory

    return SupplierFactory(name="Fjordlys Teknologi AS")


@pytest.fixture
def lead_user(lead):
    from tests.factories.bids import supplier_member

    return supplier_member(lead, email="lead@fjordlys.test")


@pytest.fixture
def colleague(lead):
    from marketplace.models import Role
    from tests.factories.bids import supplier_member

    return supplier_member(lead, role=Role.SUPPLIER_MEMBER, email="kollega@fjordlys.test")


@pytest.fixture
def other_user(db):
    from tests.factories.bids import supplier_member

    return supplier_member(email="konkurrent@annen.test")
