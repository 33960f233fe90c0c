"""Fixtures for the dialogue tests: a second supplier, a published tender of the test buyer."""

from __future__ import annotations

import pytest


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what a service scheduled on commit, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def other_supplier(db):
    from tests.factories import SupplierFactory

    return SupplierFactory(name="Konkurrent Nord AS")


@pytest.fixture
def other_supplier_admin(db, other_supplier):
    from marketplace.models import Role
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory(email="admin@konkurrent.test", language="en")
    MembershipFactory(user=user, organisation=other_supplier, role=Role.SUPPLIER_ADMIN)
    return user


@pytest.fixture
def tender(db, buyer, buyer_unit):
    from tests.factories import TenderFactory

    return TenderFactory(
        buyer=buyer, unit=buyer_unit, published=True, title="Drift av ladestasjoner"
    )


@pytest.fixture
def open_need(db, buyer, buyer_unit):
    from tests.factories import NeedFactory

    return NeedFactory(buyer=buyer, unit=buyer_unit, open=True, title="Smartere skoleskyss")


@pytest.fixture
def other_unit_officer(db, buyer):
    """A procurement officer of another service area of the same buyer."""
    from marketplace.models import Role
    from tests.conftest import with_totp
    from tests.factories import MembershipFactory, OrganisationUnitFactory, UserFactory

    unit = OrganisationUnitFactory(organisation=buyer, name="Tannhelse", name_en="Dental health")
    user = with_totp(UserFactory(email="tannhelse@afk.test"))
    MembershipFactory(user=user, organisation=buyer, role=Role.PROCUREMENT_OFFICER, unit=unit)
    return user
