"""List pages cost the same number of queries for one row as for a page full.

The rows carry what the templates reach for (the person, the unit of a unit-limited role, the
inviter), so a lost ``select_related`` shows up here as queries growing with the rows. Buyer
roles limited to units are used on purpose: a supplier's roles have no unit, and a page would
not query for one.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from marketplace.models import AccessRequest, Role
from tests.conftest import with_totp
from tests.factories import BuyerFactory, MembershipFactory, OrganisationUnitFactory, UserFactory
from tests.factories.invitations import InvitationFactory

pytestmark = pytest.mark.django_db

# What the base layout and the session cost, plus the page's own few reads.
MOST = 15


def url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(f"marketplace:{name}", kwargs=kwargs or None)


@pytest.fixture
def buyer_admin(db):
    return with_totp(UserFactory(email="admin@kommune.test"))


@pytest.fixture
def buyer_with(buyer_admin):
    """A buyer administered by ``buyer_admin``; ``add(n)`` gives it n more rows of each list."""
    buyer = BuyerFactory(name="Asker kommune")
    MembershipFactory(user=buyer_admin, organisation=buyer, role=Role.BUYER_ADMIN)

    def add(n: int) -> None:
        for _ in range(n):
            unit = OrganisationUnitFactory(organisation=buyer)
            MembershipFactory(organisation=buyer, role=Role.EVALUATOR, unit=unit)
            InvitationFactory(
                organisation=buyer, role=Role.NEED_OWNER, unit=unit, invited_by=buyer_admin
            )
            AccessRequest.objects.create(organisation=buyer, user=UserFactory())

    return buyer, add


# Each page and what it lists for every row: "Evaluator – <unit>" for a member, "Need owner –
# <unit>" for an invitation.
PAGES = {
    "organisation_detail": ["Evaluator –"],
    "organisation_members": ["Evaluator –", "Need owner –"],
    "invitation_create": ["Need owner –"],
}


@pytest.mark.parametrize("name", PAGES)
def test_organisation_pages_do_not_grow_with_their_rows(
    client, buyer_admin, buyer_with, name, django_assert_max_num_queries
):
    buyer, add = buyer_with
    add(1)
    client.force_login(buyer_admin)
    path = url(name, slug=buyer.slug)
    with django_assert_max_num_queries(MOST) as few:
        client.get(path)

    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(path)

    page = response.content.decode()
    assert [page.count(text) for text in PAGES[name]] == [11] * len(PAGES[name])


@pytest.mark.parametrize("name", ["organisation_list", "dashboard"])
def test_my_organisations_do_not_grow_with_unit_limited_roles(
    client, buyer_admin, name, django_assert_max_num_queries
):
    def join_one() -> None:
        unit = OrganisationUnitFactory()
        MembershipFactory(
            user=buyer_admin, organisation=unit.organisation, role=Role.EVALUATOR, unit=unit
        )

    join_one()
    client.force_login(buyer_admin)
    with django_assert_max_num_queries(MOST) as few:
        client.get(url(name))

    for _ in range(10):
        join_one()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url(name))

    assert response.status_code == 200
    assert response.content.decode().count("Service area") == 11
