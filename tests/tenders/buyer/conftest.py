"""Fixtures for the buyer's tender work: a tender of the officer's unit, ready to publish."""

from __future__ import annotations

import pytest


@pytest.fixture
def main_cpv(db):
    from tests.factories import cpv_code

    return cpv_code("72000000", "IT services")


@pytest.fixture
def draft(db, buyer, buyer_unit, main_cpv):
    from tests.factories import TenderFactory

    return TenderFactory(buyer=buyer, unit=buyer_unit, main_cpv=main_cpv, title="Ladestasjoner")


@pytest.fixture
def published(db, buyer, buyer_unit, main_cpv):
    from tests.factories import TenderFactory

    return TenderFactory(buyer=buyer, unit=buyer_unit, main_cpv=main_cpv, published=True, lots=2)


@pytest.fixture
def other_unit_officer(db, buyer):
    """A procurement officer of another unit of the same buyer."""
    from marketplace.models import Role
    from tests.conftest import with_totp
    from tests.factories import MembershipFactory, OrganisationUnitFactory, UserFactory

    unit = OrganisationUnitFactory(organisation=buyer, name="Utdanning", name_en="Education")
    user = with_totp(UserFactory(email="utdanning@afk.test"))
    MembershipFactory(user=user, organisation=buyer, role=Role.PROCUREMENT_OFFICER, unit=unit)
    return user
