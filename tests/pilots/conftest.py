"""Actors around one pilot: the buyer's procurement officer and the supplier's admin."""

from __future__ import annotations

import pytest


@pytest.fixture
def pilot_tender(buyer, buyer_unit):
    from tests.factories import TenderFactory

    return TenderFactory(buyer=buyer, unit=buyer_unit, in_evaluation=True, is_pilot=True)


@pytest.fixture
def award(pilot_tender, supplier):
    from tests.factories.pilots import make_award

    return make_award(tender=pilot_tender, supplier=supplier)


@pytest.fixture
def pilot(award, procurement_officer):
    from pilots.services.pilots import pilot_create

    return pilot_create(
        award=award, by=procurement_officer, title="Smarte veilys", budget_owner="Veisjef"
    )


@pytest.fixture
def outsider(db):
    """A procurement officer of another buyer and an admin of another supplier."""
    from marketplace.models import Role
    from tests.conftest import with_totp
    from tests.factories import BuyerFactory, MembershipFactory, SupplierFactory, UserFactory

    user = with_totp(UserFactory(email="fremmed@annen.test"))
    MembershipFactory(user=user, organisation=BuyerFactory(), role=Role.BUYER_ADMIN)
    MembershipFactory(user=user, organisation=SupplierFactory(), role=Role.SUPPLIER_ADMIN)
    return user
