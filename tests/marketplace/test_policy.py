"""The permission policy: who may do what, role by role and unit by unit."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

import tests.factories.invitations  # noqa: F401  (registers the Faker locale shim)
from marketplace.models import Organisation, Role
from marketplace.policy import Action, user_can
from tests.factories import (
    BuyerFactory,
    MembershipFactory,
    OrganisationUnitFactory,
    SupplierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

A = Action
# What each role may do in its own organisation (whole organisation, no unit limit).
# Written out by hand, not derived from ROLE_GRANTS, so a change there shows up here.
ALLOWED: dict[Role, set[Action]] = {
    Role.SUPPLIER_ADMIN: {
        A.ORGANISATION_VIEW,
        A.ORGANISATION_EDIT,
        A.MEMBERS_MANAGE,
        A.SUPPLIER_PROFILE_EDIT,
        A.BID_PREPARE,
        A.PILOT_REPORT,
    },
    Role.SUPPLIER_MEMBER: {
        A.ORGANISATION_VIEW,
        A.SUPPLIER_PROFILE_EDIT,
        A.BID_PREPARE,
        A.PILOT_REPORT,
    },
    Role.BUYER_ADMIN: {
        A.ORGANISATION_VIEW,
        A.ORGANISATION_EDIT,
        A.MEMBERS_MANAGE,
        A.NEED_MANAGE,
        A.TENDER_MANAGE,
        A.AUDIT_VIEW,
        A.PILOT_MANAGE,
        A.EVALUATORS_ACROSS_UNITS,
    },
    Role.PROCUREMENT_OFFICER: {
        A.ORGANISATION_VIEW,
        A.NEED_MANAGE,
        A.TENDER_MANAGE,
        A.PILOT_MANAGE,
    },
    Role.NEED_OWNER: {A.ORGANISATION_VIEW, A.NEED_MANAGE, A.PILOT_MANAGE},
    Role.EVALUATOR: {A.ORGANISATION_VIEW, A.BID_EVALUATE},
    Role.BID_OPENER: {A.ORGANISATION_VIEW, A.BID_OPEN},
}
TABLE = [(role, action, action in ALLOWED[role]) for role in Role for action in Action]


def _member(role: Role, *, unit=None, **user_fields):
    kind = Organisation.Kind.SUPPLIER if role in Role.for_kind("supplier") else "buyer"
    organisation = (
        unit.organisation
        if unit is not None
        else (SupplierFactory() if kind == Organisation.Kind.SUPPLIER else BuyerFactory())
    )
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organisation=organisation, role=role, unit=unit)
    return user, organisation


def test_the_table_covers_every_role_and_action():
    assert set(ALLOWED) == set(Role)
    assert len(TABLE) == len(Role) * len(Action)


@pytest.mark.parametrize(("role", "action", "expected"), TABLE)
def test_a_role_in_its_own_organisation(role, action, expected):
    user, organisation = _member(role)

    assert user_can(user, action, organisation) is expected


@pytest.mark.parametrize("role", list(Role))
def test_no_role_reaches_another_organisation(role):
    user, _own = _member(role)
    other = SupplierFactory() if role in Role.for_kind("supplier") else BuyerFactory()

    assert not any(user_can(user, action, other) for action in Action)


def test_a_buyer_role_applies_to_every_unit_when_not_limited():
    user, buyer = _member(Role.PROCUREMENT_OFFICER)
    unit = OrganisationUnitFactory(organisation=buyer)

    assert user_can(user, A.TENDER_MANAGE, unit)
    assert user_can(user, A.TENDER_MANAGE, buyer)


def test_a_unit_limited_role_counts_only_for_its_unit():
    buyer = BuyerFactory()
    transport, dental = OrganisationUnitFactory.create_batch(2, organisation=buyer)
    user, _ = _member(Role.PROCUREMENT_OFFICER, unit=transport)

    assert user_can(user, A.TENDER_MANAGE, transport)
    assert not user_can(user, A.TENDER_MANAGE, dental)
    assert not user_can(user, A.TENDER_MANAGE, buyer)
    assert not user_can(user, A.MEMBERS_MANAGE, transport)


def test_a_unit_limited_member_may_still_view_the_organisation():
    buyer = BuyerFactory()
    transport, dental = OrganisationUnitFactory.create_batch(2, organisation=buyer)
    user, _ = _member(Role.EVALUATOR, unit=transport)

    assert user_can(user, A.ORGANISATION_VIEW, buyer)
    assert not user_can(user, A.ORGANISATION_VIEW, dental)
    assert not user_can(user, A.ORGANISATION_EDIT, buyer)


def test_a_unit_limited_role_does_not_leak_to_another_buyers_unit():
    user, _ = _member(Role.BUYER_ADMIN)
    foreign_unit = OrganisationUnitFactory(organisation=BuyerFactory())

    assert not any(user_can(user, action, foreign_unit) for action in Action)


def test_a_superuser_who_is_not_a_member_may_not_act_for_an_organisation():
    superuser = UserFactory(is_superuser=True, is_staff=True)
    organisations = [SupplierFactory(), BuyerFactory()]

    for organisation in organisations:
        for action in Action:
            if action == A.AUDIT_VIEW:
                continue
            assert not user_can(superuser, action, organisation), action
    # the site's audit log is theirs to read
    assert user_can(superuser, A.AUDIT_VIEW)


def test_an_inactive_user_may_do_nothing():
    user, organisation = _member(Role.BUYER_ADMIN, is_active=False)

    assert not any(user_can(user, action, organisation) for action in Action)


def test_an_anonymous_visitor_may_do_nothing():
    organisation = SupplierFactory()

    assert not any(user_can(AnonymousUser(), action, organisation) for action in Action)


def test_without_an_object_no_organisation_action_is_allowed():
    user, _ = _member(Role.BUYER_ADMIN)

    assert not user_can(user, A.ORGANISATION_VIEW, None)
    assert not user_can(user, A.AUDIT_VIEW, None)


def test_an_object_without_a_policy_scope_is_a_programming_error():
    user, _ = _member(Role.SUPPLIER_ADMIN)

    with pytest.raises(TypeError):
        user_can(user, A.ORGANISATION_VIEW, object())


def test_a_scope_naming_another_organisations_unit_is_refused():
    user, buyer = _member(Role.BUYER_ADMIN)
    foreign_unit = OrganisationUnitFactory(organisation=BuyerFactory())

    class Confused:
        def policy_scope(self):
            return buyer, foreign_unit

    with pytest.raises(ValueError):
        user_can(user, A.TENDER_MANAGE, Confused())


@pytest.mark.parametrize(
    ("role", "organisation_factory"),
    [(Role.SUPPLIER_ADMIN, BuyerFactory), (Role.BUYER_ADMIN, SupplierFactory)],
)
def test_a_role_of_the_other_kind_grants_nothing(role, organisation_factory):
    """Services never make one, but a row like this (say, an invitation accepted after staff
    changed the organisation's kind) must not make its holder an administrator."""
    organisation = organisation_factory()
    user = UserFactory()
    MembershipFactory(user=user, organisation=organisation, role=role)

    assert not any(user_can(user, action, organisation) for action in Action)


# --- What is read about a person once per request (issue 14) ---------------------------------


def _admin_permission():
    from django.contrib.auth.models import Permission

    return Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin")


def test_the_admin_permission_in_the_facts_is_what_has_perm_answers():
    from django.contrib.auth.models import Group

    from marketplace.policy import user_facts

    editors = Group.objects.get(name="Editors")
    # given people with and without Wagtail's admin permission, by every route it is given
    in_group = UserFactory()
    in_group.groups.add(editors)
    own = UserFactory()
    own.user_permissions.add(_admin_permission())
    people = {
        "nobody special": UserFactory(),
        "an editor": in_group,
        "given it themselves": own,
        "a superuser": UserFactory(is_superuser=True),
        "an inactive superuser": UserFactory(is_superuser=True, is_active=False),
        "an inactive editor": UserFactory(is_active=False),
    }
    people["an inactive editor"].groups.add(editors)

    for who, user in people.items():
        fresh = type(user).objects.get(pk=user.pk)  # no permission cache left on the object
        assert user_facts(user).can_access_admin == fresh.has_perm("wagtailadmin.access_admin"), who
    assert user_facts(in_group).can_access_admin
    assert not user_facts(people["nobody special"]).can_access_admin


def test_the_unread_count_in_the_facts_follows_a_notification_opened_in_the_request():
    from marketplace.policy import remember_per_request, user_facts
    from marketplace.services.notifications import notification_mark_read
    from tests.factories.notifications import NotificationFactory

    user = UserFactory()
    first, _second = NotificationFactory(recipient=user), NotificationFactory(recipient=user)
    NotificationFactory()  # someone else's
    request_user = remember_per_request(type(user).objects.get(pk=user.pk))
    assert user_facts(request_user).unread_notifications == 2

    notification_mark_read(notification=first)

    assert user_facts(request_user).unread_notifications == 1


def test_a_permission_given_in_the_request_is_seen_by_the_facts():
    from marketplace.policy import remember_per_request, user_facts

    user = remember_per_request(UserFactory())
    assert not user_facts(user).can_access_admin

    user.user_permissions.add(_admin_permission())

    assert user_facts(user).can_access_admin
