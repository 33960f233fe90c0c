"""The guards and recipients every supplier invitation shares (needs here, tenders in matching)."""

from __future__ import annotations

import pytest

from marketplace.errors import DomainError
from marketplace.models import Role
from tenders.models import NeedInvitation
from tenders.services.invitations import invitation_check, invitation_recipients
from tests.factories import BuyerFactory, MembershipFactory, SupplierFactory, UserFactory
from tests.factories.tenders import NeedFactory

pytestmark = pytest.mark.django_db

CLOSED = DomainError("Publish first.", code="invitation_need_not_open")


def _code(**kwargs) -> str:
    with pytest.raises(DomainError) as refused:
        invitation_check(**kwargs)
    return refused.value.code


def test_a_non_supplier_is_refused_before_anything_else():
    need = NeedFactory()
    code = _code(supplier=BuyerFactory(), not_open=CLOSED, invited=NeedInvitation.objects.none())
    assert code == "invitation_not_supplier"
    assert need.invitations.count() == 0


def test_a_closed_need_is_refused_before_a_second_invitation():
    need = NeedFactory(open=True)
    supplier = SupplierFactory()
    NeedInvitation.objects.create(need=need, supplier=supplier, invited_by=UserFactory())
    assert _code(supplier=supplier, not_open=CLOSED, invited=need.invitations.all()) == (
        "invitation_need_not_open"
    )
    assert _code(supplier=supplier, not_open=None, invited=need.invitations.all()) == (
        "invitation_exists"
    )


def test_a_first_invitation_of_a_supplier_to_an_open_need_passes():
    need = NeedFactory(open=True)
    other = SupplierFactory()
    NeedInvitation.objects.create(need=need, supplier=other, invited_by=UserFactory())
    invitation_check(supplier=SupplierFactory(), not_open=None, invited=need.invitations.all())


def test_the_people_told_are_those_who_may_speak_for_the_supplier_each_once():
    supplier = SupplierFactory()
    admin = MembershipFactory(organisation=supplier, role=Role.SUPPLIER_ADMIN).user
    member = MembershipFactory(organisation=supplier, role=Role.SUPPLIER_MEMBER).user
    MembershipFactory(user=admin, organisation=supplier, role=Role.SUPPLIER_MEMBER)
    gone = MembershipFactory(organisation=supplier, user=UserFactory(is_active=False)).user
    elsewhere = MembershipFactory(organisation=SupplierFactory()).user
    told = list(invitation_recipients(supplier))
    assert told == sorted([admin, member], key=lambda user: user.pk)
    assert gone not in told and elsewhere not in told
