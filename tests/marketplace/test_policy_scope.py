"""The policy's two other halves agree with ``user_can`` object by object.

``scope_q(user, action)`` (which objects a user may act on) and ``people_who_can(action, obj)``
(who may act on an object) are checked against ``user_can`` for every action and every role
fixture, over a small world of two buyers with units, two suppliers and their tenders, needs,
test arenas, pilots and bids. Whatever ``ROLE_GRANTS`` or the unit rule becomes, the three stay
one rule.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

import tests.factories.invitations  # noqa: F401  (registers the Faker locale shim)
from bids.models import Bid
from marketplace.models import Membership, Organisation, OrganisationUnit, Role
from marketplace.policy import (
    NAMED_ACTIONS,
    Action,
    people_who_can,
    remember_per_request,
    scope_q,
    user_can,
    user_can_as_named,
)
from pilots.models import Pilot
from tenders.models import Lot, Need, Tender, TestArena
from tests.factories import (
    BuyerFactory,
    MembershipFactory,
    OrganisationUnitFactory,
    SupplierFactory,
    UserFactory,
)
from tests.factories.pilots import PilotFactory, make_bid
from tests.factories.tenders import LotFactory, NeedFactory, TenderFactory, TestArenaFactory

pytestmark = pytest.mark.django_db


class World:
    """Two buyers (A with units a1 and a2, B with unit b1), two suppliers, and the people."""

    def __init__(self):
        self.buyer_a, self.buyer_b = BuyerFactory(), BuyerFactory()
        self.a1 = OrganisationUnitFactory(organisation=self.buyer_a)
        self.a2 = OrganisationUnitFactory(organisation=self.buyer_a)
        self.b1 = OrganisationUnitFactory(organisation=self.buyer_b)
        self.supplier_1, self.supplier_2 = SupplierFactory(), SupplierFactory()
        places = [
            (self.buyer_a, None),
            (self.buyer_a, self.a1),
            (self.buyer_a, self.a2),
            (self.buyer_b, None),
            (self.buyer_b, self.b1),
        ]
        for buyer, unit in places:
            tender = TenderFactory(buyer=buyer, unit=unit)
            LotFactory(tender=tender)
            if unit is not None:  # a need always belongs to a unit
                NeedFactory(buyer=buyer, unit=unit)
            TestArenaFactory(owner=buyer, unit=unit)
            PilotFactory(tender=tender, buyer=buyer, unit=unit, supplier=self.supplier_1)
            make_bid(tender=tender, supplier=self.supplier_1)
            make_bid(tender=tender, supplier=self.supplier_2)
        self.users = [AnonymousUser()]
        for role in Role:
            supplier_role = role in Role.for_kind(Organisation.Kind.SUPPLIER)
            self._member(role, self.supplier_1 if supplier_role else self.buyer_a)
            if not supplier_role and role != Role.BUYER_ADMIN:
                self._member(role, self.buyer_a, unit=self.a1)
        # A role of the other kind grants nothing (written by hand: services refuse it).
        self._member(Role.SUPPLIER_ADMIN, self.buyer_a)
        self._member(Role.PROCUREMENT_OFFICER, self.supplier_2)
        # Several memberships at once: an officer of a2 in A who administers B.
        several = self._member(Role.PROCUREMENT_OFFICER, self.buyer_a, unit=self.a2)
        MembershipFactory(user=several, organisation=self.buyer_b, role=Role.BUYER_ADMIN)
        MembershipFactory(user=several, organisation=self.supplier_2, role=Role.SUPPLIER_MEMBER)
        self._member(Role.BUYER_ADMIN, self.buyer_a, is_active=False)
        self.superuser = remember_per_request(UserFactory(is_superuser=True, is_staff=True))
        self.users.append(self.superuser)

    def _member(self, role, organisation, *, unit=None, **user_fields):
        # Read once, as in a request (the memberships are all written before any is read).
        user = remember_per_request(UserFactory(**user_fields))
        Membership.objects.create(user=user, organisation=organisation, role=role, unit=unit)
        self.users.append(user)
        return user


@pytest.fixture
def world():
    return World()


# (model, organisation path, unit path, the object user_can is asked about for one row)
SCOPES = [
    (Tender, "buyer", "unit", lambda row: row),
    (Need, "buyer", "unit", lambda row: row),
    (TestArena, "owner", "unit", lambda row: row),
    (Pilot, "buyer", "unit", lambda row: row),
    (Pilot, "supplier", None, lambda row: row.supplier),
    (Lot, "tender__buyer", "tender__unit", lambda row: row),
    (Bid, "supplier", None, lambda row: row),
    (Organisation, "pk", None, lambda row: row),
    (OrganisationUnit, "organisation", "pk", lambda row: row),
]


def _label(user) -> str:
    return getattr(user, "email", "anonymous")


@pytest.mark.parametrize(
    ("model", "organisation", "unit", "judged"),
    SCOPES,
    ids=[f"{model.__name__}-{organisation}" for model, organisation, *_ in SCOPES],
)
def test_scope_q_matches_exactly_what_user_can_allows(world, model, organisation, unit, judged):
    rows = list(model.objects.all())
    assert len(rows) >= 3
    disagreements = []
    allowed_somewhere = 0
    for user in world.users:
        for action in Action:
            # when
            scoped = set(
                model.objects.filter(
                    scope_q(user, action, organisation=organisation, unit=unit)
                ).values_list("pk", flat=True)
            )
            # then
            expected = {row.pk for row in rows if user_can(user, action, judged(row))}
            allowed_somewhere += len(expected)
            if scoped != expected:
                disagreements.append((_label(user), action, sorted(scoped), sorted(expected)))
    assert disagreements == []
    assert allowed_somewhere > 0  # the world is not one where nobody may do anything


@pytest.mark.parametrize("action", sorted(NAMED_ACTIONS))
def test_the_named_scope_matches_user_can_as_named(world, action):
    tenders = list(Tender.objects.all())
    for user in world.users:
        scoped = set(
            Tender.objects.filter(scope_q(user, action, named=True)).values_list("pk", flat=True)
        )
        assert scoped == {t.pk for t in tenders if user_can_as_named(user, action, t)}, user


def test_a_unit_limited_role_reaches_its_unit_only_and_the_named_scope_every_unit(world):
    evaluator = Membership.objects.get(
        role=Role.EVALUATOR, unit=world.a1, organisation=world.buyer_a
    ).user
    own = Tender.objects.filter(scope_q(evaluator, Action.BID_EVALUATE))
    named = Tender.objects.filter(scope_q(evaluator, Action.BID_EVALUATE, named=True))
    assert {t.unit_id for t in own} == {world.a1.pk}
    assert {t.unit_id for t in named} == {None, world.a1.pk, world.a2.pk}


@pytest.mark.parametrize(
    ("model", "judged"),
    [(Tender, lambda row: row), (Pilot, lambda row: row.supplier), (OrganisationUnit, None)],
)
def test_people_who_can_lists_exactly_the_people_user_can_allows(world, model, judged):
    people = [user for user in world.users if user.is_authenticated and not user.is_superuser]
    for row in model.objects.all():
        obj = judged(row) if judged else row
        for action in Action:
            listed = set(people_who_can(action, obj).values_list("pk", flat=True))
            assert listed == {p.pk for p in people if user_can(p, action, obj)}, (obj, action)


def test_people_who_can_as_named_counts_a_role_in_any_unit(world):
    tender = Tender.objects.get(buyer=world.buyer_a, unit=world.a2)
    people = [user for user in world.users if user.is_authenticated]
    for action in NAMED_ACTIONS:
        listed = set(people_who_can(action, tender, named=True).values_list("pk", flat=True))
        assert listed == {p.pk for p in people if user_can_as_named(p, action, tender)}
        assert listed > set(people_who_can(action, tender).values_list("pk", flat=True))


def test_the_superuser_reads_every_audit_scope_but_is_no_member(world):
    assert Tender.objects.filter(scope_q(world.superuser, Action.AUDIT_VIEW)).count() == 5
    assert not Tender.objects.filter(scope_q(world.superuser, Action.TENDER_MANAGE)).exists()
    assert world.superuser not in people_who_can(Action.AUDIT_VIEW, world.buyer_a)


def test_a_named_scope_for_an_action_nobody_is_named_to_is_a_programming_error():
    with pytest.raises(ValueError, match="not an action taken by a person named"):
        scope_q(UserFactory(), Action.TENDER_MANAGE, named=True)
    with pytest.raises(ValueError, match="not an action taken by a person named"):
        people_who_can(Action.TENDER_MANAGE, BuyerFactory(), named=True)
