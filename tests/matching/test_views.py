"""Matching pages: buyers see matches for their own tenders and needs only (404 for others),
invite from the list; suppliers see opportunities, save searches, see alerts, mark partners."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from marketplace.errors import DomainError
from marketplace.models import Notification, Role
from matching.models import MatchInvitation, PartnerInterest, SavedSearch
from matching.services.searches import saved_search_create, tender_invite_matched
from tests.conftest import with_totp
from tests.factories import (
    BuyerFactory,
    ListedSupplierProfileFactory,
    LotFactory,
    MembershipFactory,
    NeedFactory,
    OrganisationUnitFactory,
    TenderFactory,
    UserFactory,
)


@pytest.fixture
def tender(buyer, buyer_unit, cpv, places):
    tender = TenderFactory(
        buyer=buyer, unit=buyer_unit, main_cpv=cpv["72212000"], published=True, title="Ny app"
    )
    tender.municipalities.set([places["baerum"]])
    return tender


def test_buyer_sees_matching_suppliers_and_invites_one(
    buyer_client, tender, startup_profile, supplier_admin
):
    url = reverse("matching:tender_suppliers", kwargs={"reference": tender.reference})
    page = buyer_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Fjordlys Teknologi AS" in html
    assert "Shares CPV group 722" in html or "CPV-gruppe 722" in html
    MembershipFactory(
        user=UserFactory(email="sjef@fjordlys.test"),
        organisation=startup_profile.organisation,
        role=Role.SUPPLIER_MEMBER,
    )
    response = buyer_client.post(
        reverse("matching:tender_invite", kwargs={"reference": tender.reference}),
        {"supplier": startup_profile.organisation.pk},
    )
    assert response.status_code == 302
    invitation = MatchInvitation.objects.get()
    assert invitation.supplier == startup_profile.organisation
    assert "722" in invitation.explanation
    assert Notification.objects.filter(key=f"match_invitation:{invitation.pk}").count() == 2
    # a second invitation is refused, not doubled
    buyer_client.post(
        reverse("matching:tender_invite", kwargs={"reference": tender.reference}),
        {"supplier": startup_profile.organisation.pk},
    )
    assert MatchInvitation.objects.count() == 1


def test_another_buyer_gets_404_on_match_pages(client, tender, db):
    other = BuyerFactory()
    unit = OrganisationUnitFactory(organisation=other)
    user = with_totp(UserFactory())
    MembershipFactory(user=user, organisation=other, role=Role.PROCUREMENT_OFFICER, unit=unit)
    client.force_login(user)
    kwargs = {"reference": tender.reference}
    assert client.get(reverse("matching:tender_suppliers", kwargs=kwargs)).status_code == 404
    assert (
        client.post(reverse("matching:tender_invite", kwargs=kwargs), {"supplier": 1}).status_code
        == 404
    )
    lot = LotFactory(tender=tender, number=1)
    assert (
        client.get(reverse("matching:lot_suppliers", kwargs={**kwargs, "lot": lot.pk})).status_code
        == 404
    )


def test_buyer_invites_to_a_need_through_the_need_invitation_service(
    buyer_client, buyer, buyer_unit, startup_profile, cpv
):
    need = NeedFactory(buyer=buyer, unit=buyer_unit, open=True)
    need.cpv_codes.set([cpv["72212000"]])
    url = reverse("matching:need_suppliers", kwargs={"slug": need.slug})
    assert "Fjordlys Teknologi AS" in buyer_client.get(url).content.decode()
    buyer_client.post(
        reverse("matching:need_invite", kwargs={"slug": need.slug}),
        {"supplier": startup_profile.organisation.pk},
    )
    assert need.invitations.get().supplier == startup_profile.organisation


def test_supplier_sees_opportunities_with_the_explanation(supplier_client, startup_profile, tender):
    page = supplier_client.get(reverse("matching:opportunities"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Ny app" in html
    assert "722" in html


def test_supplier_saves_a_search_and_deletes_it(supplier_client, supplier, cpv, places):
    url = reverse("matching:saved_searches")
    response = supplier_client.post(
        url,
        {"name": "IT i Bærum", "cpv_codes": "72000000", "municipalities": [places["baerum"].pk]},
    )
    assert response.status_code == 302
    search = SavedSearch.objects.get(organisation=supplier)
    assert [c.code for c in search.cpv_codes.all()] == ["72000000"]
    bad = supplier_client.post(url, {"name": "X", "cpv_codes": "12345678"})
    assert bad.status_code == 400
    assert (
        "Unknown CPV code: 12345678" in bad.content.decode() or "12345678" in bad.content.decode()
    )
    supplier_client.post(reverse("matching:saved_search_delete", kwargs={"pk": search.pk}))
    assert not SavedSearch.objects.exists()


def test_another_supplier_cannot_delete_a_search(client, supplier, supplier_admin, cpv, db):
    search = saved_search_create(organisation=supplier, by=supplier_admin, name="S", text="app")
    outsider = UserFactory()
    other = ListedSupplierProfileFactory().organisation
    MembershipFactory(user=outsider, organisation=other, role=Role.SUPPLIER_ADMIN)
    client.force_login(outsider)
    response = client.post(reverse("matching:saved_search_delete", kwargs={"pk": search.pk}))
    assert response.status_code == 404
    assert SavedSearch.objects.filter(pk=search.pk).exists()


def test_buyers_have_no_supplier_pages(buyer_client):
    assert buyer_client.get(reverse("matching:opportunities")).status_code == 403


def test_supplier_marks_itself_looking_for_partners_and_sees_consortia(
    supplier_client, supplier, tender, startup_profile, cpv, places
):
    lot = LotFactory(
        tender=tender,
        number=1,
        cpv_codes=[cpv["72212000"], cpv["90000000"]],
        municipalities=[places["baerum"]],
        suitable_for_smb=True,
    )
    cleaner = ListedSupplierProfileFactory(
        cpv_codes=[cpv["90000000"]], delivery_municipalities=[places["baerum"]]
    )
    url = reverse("matching:lot_partners", kwargs={"pk": lot.pk})
    response = supplier_client.post(url, {"looking": "on", "note": "Vi lager appen"})
    assert response.status_code == 302
    assert PartnerInterest.objects.get().supplier == supplier
    html = supplier_client.get(url).content.decode()
    assert escape(cleaner.organisation.name) in html
    assert "Fjordlys Teknologi AS" in html
    assert "Together they cover the whole lot" in html or "dekker" in html


def test_tender_invitation_guards_are_the_shared_invitation_check(
    tender, startup_profile, procurement_officer, buyer
):
    # given the guards every supplier invitation shares (tenders.services.invitations)
    supplier = startup_profile.organisation

    def refusal(**kwargs) -> str:
        with pytest.raises(DomainError) as refused:
            tender_invite_matched(by=procurement_officer, **kwargs)
        return refused.value.code

    # then a non-supplier is refused first, a draft tender next, a second invitation last
    assert refusal(tender=tender, supplier=buyer) == "invitation_not_supplier"
    draft = TenderFactory(buyer=buyer, unit=tender.unit, title="Utkast")
    assert refusal(tender=draft, supplier=supplier) == "invitation_tender_not_open"
    tender_invite_matched(tender=tender, supplier=supplier, by=procurement_officer)
    assert refusal(tender=tender, supplier=supplier) == "invitation_exists"
