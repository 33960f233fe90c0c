"""Supplier registration and organisation pages, through HTTP as a person uses them."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

import tests.factories.invitations  # noqa: F401  (registers the Faker locale shim)
from marketplace.models import (
    AccessRequest,
    AuditEvent,
    Membership,
    Notification,
    NotificationKind,
    Organisation,
    Role,
)
from marketplace.services.organisations import unique_slug
from tests.conftest import with_totp
from tests.factories import (
    BuyerFactory,
    MembershipFactory,
    OrganisationUnitFactory,
    SupplierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NEUTRAL = (
    "This organisation is already registered. We have told its administrators; they can invite you."
)


def url(name: str, **kwargs) -> str:
    """A path in Bokmål (no prefix); tests add "/en" for English."""
    with translation.override("nb"):
        return reverse(f"marketplace:{name}", kwargs=kwargs or None)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def outsider_client(client):
    client.force_login(UserFactory(email="ny@konkurrent.test", full_name="Kari Konkurrent"))
    return client


# --- Registration -------------------------------------------------------------------------------


def test_registering_a_new_supplier_makes_the_person_its_admin(client):
    person = UserFactory(email="grunder@nordlys.test")
    client.force_login(person)

    response = client.post(
        url("organisation_register"),
        {"name": "Nordlys Sensor AS", "org_number": "974 760 673", "website": "nordlys.test"},
    )

    organisation = Organisation.objects.get(org_number="974760673")
    assert response.status_code == 302
    assert response["Location"] == url("organisation_detail", slug="nordlys-sensor-as")
    assert organisation.kind == Organisation.Kind.SUPPLIER
    assert organisation.website == "https://nordlys.test"
    assert Membership.objects.filter(
        user=person, organisation=organisation, role=Role.SUPPLIER_ADMIN, unit=None
    ).exists()
    actions = set(
        AuditEvent.objects.filter(organisation_id=organisation.pk).values_list("action", flat=True)
    )
    assert {"organisation.register", "membership.create"} <= actions


@pytest.mark.parametrize(
    ("number", "code", "english"),
    [
        ("97476067", "org_number_length", "An organisation number has exactly 9 digits."),
        (
            "974760674",
            "org_number_checksum",
            "The organisation number's check digit is wrong. Check for a typing error.",
        ),
        ("97476067x", "org_number_format", "An organisation number may only contain digits."),
    ],
)
@pytest.mark.parametrize(("prefix", "language"), [("/en", "en"), ("", "nb")])
def test_an_invalid_organisation_number_is_a_field_error_in_the_users_language(
    client, number, code, english, prefix, language
):
    client.force_login(UserFactory())
    with translation.override(language):
        expected = translation.gettext(english)

    response = client.post(
        prefix + url("organisation_register"), {"name": "Feil AS", "org_number": number}
    )

    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["org_number"]] == [code]
    assert escape(expected) in response.content.decode()
    assert not Organisation.objects.exists()


def test_registering_an_existing_number_gives_no_access_to_that_organisation(
    client, supplier, supplier_admin
):
    """A competitor who types a registered number must see nothing of that organisation."""
    # given a registered supplier with an admin, a member and a pending invitation
    colleague = MembershipFactory(organisation=supplier, role=Role.SUPPLIER_MEMBER)
    competitor = UserFactory(email="ny@konkurrent.test", full_name="Kari Konkurrent")
    client.force_login(competitor)

    # when the competitor registers with that number (typed with spaces)
    response = client.post(
        "/en" + url("organisation_register"),
        {"name": "Fjordlys", "org_number": supplier.org_number_display},
        follow=True,
    )

    # then: a neutral answer that names nobody, and no membership
    assert response.redirect_chain[-1][0] == "/en" + url("organisation_list")
    assert messages_of(response) == [NEUTRAL]
    page = response.content.decode()
    for secret in (supplier.name, supplier_admin.email, colleague.user.email):
        assert secret not in page
    assert not Membership.objects.filter(user=competitor).exists()
    assert Organisation.objects.count() == 1
    # and every page of the organisation answers 404
    admin_membership = Membership.objects.get(user=supplier_admin)
    slug = supplier.slug
    for path in (
        url("organisation_detail", slug=slug),
        url("organisation_edit", slug=slug),
        url("organisation_members", slug=slug),
        url("invitation_create", slug=slug),
        url("member_update", slug=slug, pk=admin_membership.pk),
        url("member_remove", slug=slug, pk=admin_membership.pk),
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(url("member_remove", slug=slug, pk=admin_membership.pk)).status_code == 404
    assert (
        client.post(
            url("invitation_create", slug=slug),
            {"email": "me@konkurrent.test", "role": "supplier_admin"},
        ).status_code
        == 404
    )
    assert Membership.objects.filter(user=supplier_admin).exists()
    # and the organisation's admin was told, once
    access_request = AccessRequest.objects.get(organisation=supplier, user=competitor)
    assert access_request.handled_at is None
    notification = Notification.objects.get(recipient=supplier_admin)
    assert notification.kind == NotificationKind.ACCESS_REQUEST
    assert competitor.email in notification.body
    assert notification.url == url("organisation_members", slug=slug)
    assert not Notification.objects.filter(recipient=colleague.user).exists()


def test_registering_an_existing_number_again_records_one_request_and_tells_admins_once(
    outsider_client, supplier, supplier_admin
):
    data = {"name": "Fjordlys", "org_number": supplier.org_number}
    outsider_client.post("/en" + url("organisation_register"), data, follow=True)
    response = outsider_client.post("/en" + url("organisation_register"), data, follow=True)

    assert messages_of(response) == [NEUTRAL]
    assert AccessRequest.objects.filter(organisation=supplier).count() == 1
    assert Notification.objects.filter(recipient=supplier_admin).count() == 1


@pytest.mark.parametrize(
    "spelling",
    ["NO {display} MVA", "{dashed}", "{compact}MVA"],
    ids=["vat-number", "dashes", "mva-suffix"],
)
def test_an_existing_number_spelt_another_way_gives_no_access_and_no_second_organisation(
    outsider_client, supplier, supplier_admin, spelling
):
    """Each spelling names the same organisation: no duplicate, no access, the admins told."""
    number = supplier.org_number
    typed = spelling.format(
        display=supplier.org_number_display,
        dashed=f"{number[:3]}-{number[3:6]}-{number[6:]}",
        compact=number,
    )

    response = outsider_client.post(
        "/en" + url("organisation_register"), {"name": "Fjordlys II", "org_number": typed}
    )

    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == "/en" + url("organisation_list")
    assert Organisation.objects.count() == 1
    assert not Membership.objects.filter(organisation=supplier).exclude(user=supplier_admin)
    assert AccessRequest.objects.filter(organisation=supplier, handled_at=None).count() == 1


def test_a_new_supplier_typed_as_a_vat_number_is_stored_compact(client):
    client.force_login(UserFactory())

    client.post(
        url("organisation_register"), {"name": "Nordlys AS", "org_number": "NO 974 760 673 MVA"}
    )

    assert Organisation.objects.get().org_number == "974760673"


def test_registering_a_buyers_number_as_a_supplier_gives_no_access(outsider_client, buyer):
    buyer_admin = with_totp(UserFactory(email="admin@afk.test"))
    MembershipFactory(user=buyer_admin, organisation=buyer, role=Role.BUYER_ADMIN)

    response = outsider_client.post(
        url("organisation_register"), {"name": "Akershus", "org_number": buyer.org_number}
    )

    assert response["Location"] == url("organisation_list")
    assert outsider_client.get(url("organisation_detail", slug=buyer.slug)).status_code == 404
    assert not Organisation.objects.filter(kind=Organisation.Kind.SUPPLIER).exists()
    assert Notification.objects.filter(
        recipient=buyer_admin, kind=NotificationKind.ACCESS_REQUEST
    ).exists()


def test_a_member_registering_their_own_number_is_sent_to_their_organisation(
    supplier_client, supplier
):
    response = supplier_client.post(
        url("organisation_register"), {"name": "Fjordlys", "org_number": supplier.org_number}
    )

    assert response["Location"] == url("organisation_detail", slug=supplier.slug)
    assert not AccessRequest.objects.exists()


def test_registration_needs_a_login(client):
    response = client.get(url("organisation_register"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_slugs_are_unique_readable_and_never_reserved():
    SupplierFactory(slug="baerum-gronn-ostfold")

    assert unique_slug("Bærum Grønn Østfold") == "baerum-gronn-ostfold-2"
    assert unique_slug("Ny") == "ny-2"
    assert unique_slug("!!!") == "organisasjon"


# --- Organisation pages -----------------------------------------------------------------------


def test_my_organisations_lists_only_mine_with_my_roles(
    supplier_client, supplier, django_assert_max_num_queries
):
    me = supplier_client.session["_auth_user_id"]
    others = SupplierFactory.create_batch(3)
    for organisation in SupplierFactory.create_batch(15):
        MembershipFactory(user_id=me, organisation=organisation, role=Role.SUPPLIER_MEMBER)

    with django_assert_max_num_queries(12):
        response = supplier_client.get(url("organisation_list"))

    assert response.status_code == 200
    listed = list(response.context["organisations"])
    assert len(listed) == 16
    assert not {o.pk for o in others} & {o.pk for o in listed}
    page = response.content.decode()
    assert supplier.org_number_display in page
    assert "Supplier administrator" in page or "Leverandøradministrator" in page


def test_my_organisations_is_paginated(client):
    person = UserFactory()
    for organisation in SupplierFactory.create_batch(21):
        MembershipFactory(user=person, organisation=organisation)
    client.force_login(person)

    first = client.get(url("organisation_list"))
    second = client.get(url("organisation_list"), {"page": 2})

    assert len(first.context["organisations"]) == 20
    assert len(second.context["organisations"]) == 1


def test_my_organisations_has_an_empty_state(client):
    client.force_login(UserFactory())

    response = client.get("/en" + url("organisation_list"))

    assert response.status_code == 200
    assert "You do not belong to any organisation yet." in response.content.decode()


def test_detail_shows_number_kind_and_members_to_a_member(client, supplier, supplier_admin):
    member = MembershipFactory(organisation=supplier, role=Role.SUPPLIER_MEMBER).user
    client.force_login(member)

    response = client.get("/en" + url("organisation_detail", slug=supplier.slug))

    page = response.content.decode()
    assert response.status_code == 200
    assert escape(supplier.name) in page
    assert supplier.org_number_display in page
    assert "Supplier" in page
    assert supplier_admin.email in page and member.email in page
    assert response.context["can_edit"] is False
    assert url("organisation_members", slug=supplier.slug) not in page


def test_detail_of_a_buyer_shows_its_units(buyer_client, buyer, buyer_unit):
    OrganisationUnitFactory(organisation=buyer, name="Tannhelse", name_en="Dental health")

    response = buyer_client.get(url("organisation_detail", slug=buyer.slug))

    assert response.status_code == 200
    assert [unit.name for unit in response.context["units"]] == ["Samferdsel", "Tannhelse"]


def test_another_organisations_pages_answer_404(supplier_client):
    other = SupplierFactory()
    MembershipFactory(organisation=other, role=Role.SUPPLIER_ADMIN)

    for name in ("organisation_detail", "organisation_edit", "organisation_members"):
        assert supplier_client.get(url(name, slug=other.slug)).status_code == 404
    assert supplier_client.get(url("organisation_detail", slug="does-not-exist")).status_code == 404


def test_an_admin_edits_name_and_website(supplier_client, supplier):
    response = supplier_client.post(
        url("organisation_edit", slug=supplier.slug),
        {"name": "Fjordlys Teknologi Norge AS", "website": "https://fjordlys.test"},
    )

    supplier.refresh_from_db()
    assert response["Location"] == url("organisation_detail", slug=supplier.slug)
    assert supplier.name == "Fjordlys Teknologi Norge AS"
    assert supplier.website == "https://fjordlys.test"
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.before["name"] == "Fjordlys Teknologi AS"
    assert event.after["name"] == "Fjordlys Teknologi Norge AS"


def test_a_member_who_is_not_admin_may_not_edit(client, supplier):
    member = MembershipFactory(organisation=supplier, role=Role.SUPPLIER_MEMBER).user
    client.force_login(member)

    get = client.get(url("organisation_edit", slug=supplier.slug))
    post = client.post(url("organisation_edit", slug=supplier.slug), {"name": "Kapret AS"})

    supplier.refresh_from_db()
    assert (get.status_code, post.status_code) == (403, 403)
    assert supplier.name == "Fjordlys Teknologi AS"


# --- Buyers -------------------------------------------------------------------------------------


def test_an_officer_of_one_buyer_gets_404_on_another_buyers_pages(buyer_client, buyer):
    """The county and a municipality are both buyers; neither sees the other."""
    municipality = BuyerFactory(name="Bærum kommune")
    OrganisationUnitFactory(organisation=municipality, name="Helse")
    municipal_admin = with_totp(UserFactory())
    membership = MembershipFactory(
        user=municipal_admin, organisation=municipality, role=Role.BUYER_ADMIN
    )

    own = buyer_client.get(url("organisation_detail", slug=buyer.slug))
    assert own.status_code == 200
    for path in (
        url("organisation_detail", slug=municipality.slug),
        url("organisation_edit", slug=municipality.slug),
        url("organisation_members", slug=municipality.slug),
        url("invitation_create", slug=municipality.slug),
        url("member_update", slug=municipality.slug, pk=membership.pk),
    ):
        assert buyer_client.get(path).status_code == 404, path


def test_a_unit_limited_officer_sees_the_buyer_but_cannot_manage_it(buyer_client, buyer):
    detail = buyer_client.get(url("organisation_detail", slug=buyer.slug))
    members = buyer_client.get(url("organisation_members", slug=buyer.slug))

    assert detail.status_code == 200
    assert detail.context["can_manage_members"] is False
    assert members.status_code == 403
