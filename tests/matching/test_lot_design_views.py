"""The lot-design page: officers of the tender's unit see the counts and save the § 19-4 reason;
everyone else gets 404; the page's queries do not grow with the registry or the lots."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from marketplace.models import AuditEvent, Role
from matching.lot_design.justification import EVENT
from tenders.models import Tender
from tests.conftest import with_totp
from tests.factories import (
    BuyerFactory,
    ListedSupplierProfileFactory,
    LotFactory,
    MembershipFactory,
    OrganisationUnitFactory,
    TenderFactory,
    UserFactory,
)
from tests.matching.test_lot_design import draft, registry  # noqa: F401 (fixtures)


def _url(tender, name="matching:tender_lot_design"):
    """The Bokmål path (no prefix), whatever language the last response left active."""
    with translation.override("nb"):
        return reverse(name, kwargs={"reference": tender.reference})


def test_officer_sees_the_counts_and_a_prefilled_reason(buyer_client, draft, registry):  # noqa: F811
    page = buyer_client.get("/en" + _url(draft))

    assert page.status_code == 200
    html = page.content.decode()
    assert "<caption" in html and 'scope="row"' in html
    assert "Startups" in html
    design = page.context["design"]
    assert design.whole.parts[0].counts.alone_total == 1
    assert [item.key for item in design.suggestions] == ["area", "cpv", "value2"]
    assert "could deliver all of it alone" in page.context["form"].initial["justification"]


def test_the_page_speaks_english_and_bokmal(buyer_client, draft, registry):  # noqa: F811
    english = buyer_client.get("/en" + _url(draft)).content.decode()
    bokmal = buyer_client.get(_url(draft)).content.decode()

    assert '<html lang="en"' in english and "Back to the tender" in english
    assert '<html lang="nb"' in bokmal and "Tilbake til konkurransen" in bokmal
    assert "The whole purchase" in english and "The whole purchase" not in bokmal


def test_other_organisations_and_suppliers_get_404(client, draft, supplier_admin):  # noqa: F811
    other = BuyerFactory()
    unit = OrganisationUnitFactory(organisation=other)
    outsider = with_totp(UserFactory())
    MembershipFactory(user=outsider, organisation=other, role=Role.PROCUREMENT_OFFICER, unit=unit)
    for user in (outsider, supplier_admin):
        client.force_login(user)
        assert client.get(_url(draft)).status_code == 404
        response = client.post(
            _url(draft, "matching:tender_lot_design_justify"), {"justification": "Nei."}
        )
        assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=EVENT).exists()


def test_another_unit_of_the_same_buyer_gets_404(client, buyer, draft):  # noqa: F811
    unit = OrganisationUnitFactory(organisation=buyer, name="Utdanning")
    officer = with_totp(UserFactory())
    MembershipFactory(user=officer, organisation=buyer, role=Role.PROCUREMENT_OFFICER, unit=unit)
    client.force_login(officer)

    assert client.get(_url(draft)).status_code == 404


def test_anonymous_is_sent_to_log_in(client, draft):  # noqa: F811
    response = client.get(_url(draft))

    assert response.status_code == 302
    assert "login" in response["Location"] or "logg-inn" in response["Location"]


def test_officer_saves_the_reason_and_sees_it_in_the_history(buyer_client, draft, registry):  # noqa: F811
    response = buyer_client.post(
        _url(draft, "matching:tender_lot_design_justify") + "?most_lots=3",
        {"justification": "Driften må samordnes i én kontrakt."},
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.no_lots_justification == "Driften må samordnes i én kontrakt."
    event = AuditEvent.objects.get(action=EVENT)
    assert event.after["figures"]["most_lots"] == 3
    page = buyer_client.get(_url(draft))
    assert "Driften må samordnes i én kontrakt." in page.content.decode()
    assert page.context["history"] == [event]


def test_the_placeholder_must_be_replaced(buyer_client, draft, registry):  # noqa: F811
    prefill = buyer_client.get("/en" + _url(draft)).context["form"].initial["justification"]

    response = buyer_client.post(
        "/en" + _url(draft, "matching:tender_lot_design_justify"), {"justification": prefill}
    )

    assert response.status_code == 400
    assert "Replace the line in square brackets" in response.content.decode()
    draft.refresh_from_db()
    assert draft.no_lots_justification == ""


def test_an_empty_reason_is_refused(buyer_client, draft):  # noqa: F811
    response = buyer_client.post(
        "/en" + _url(draft, "matching:tender_lot_design_justify"), {"justification": "  "}
    )

    assert response.status_code == 400
    assert "Write why the purchase is not divided into lots." in response.content.decode()


def test_limits_out_of_range_are_explained(buyer_client, draft, registry):  # noqa: F811
    response = buyer_client.get("/en" + _url(draft) + "?most_lots=40&max_per_bidder=0")

    assert response.status_code == 400
    html = response.content.decode()
    assert "Give at most 12 lots." in html
    assert "Give at least 1 lot." in html


def test_a_published_tender_shows_counts_without_the_form(buyer_client, draft, registry):  # noqa: F811
    Tender.objects.filter(pk=draft.pk).update(status=Tender.Status.PUBLISHED)

    page = buyer_client.get(_url(draft))
    assert page.status_code == 200
    assert page.context["form"] is None
    response = buyer_client.post(
        _url(draft, "matching:tender_lot_design_justify"), {"justification": "Sent."}
    )
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=EVENT).exists()


def test_no_codes_is_an_empty_state(buyer_client, buyer, buyer_unit):
    tender = TenderFactory(buyer=buyer, unit=buyer_unit, main_cpv=None)

    page = buyer_client.get("/en" + _url(tender))

    assert page.status_code == 200
    assert "Give the tender a main CPV code" in page.content.decode()


def test_queries_do_not_grow_with_the_registry_or_the_lots(
    buyer_client,
    draft,  # noqa: F811
    registry,  # noqa: F811
    cpv,
    places,
    django_assert_max_num_queries,
):
    with django_assert_max_num_queries(QUERY_BUDGET) as few:
        assert buyer_client.get(_url(draft)).status_code == 200
    for number in range(1, 6):
        LotFactory(tender=draft, number=number, cpv_codes=[cpv["72212000"]])
    for _ in range(10):
        ListedSupplierProfileFactory(cpv_codes=[cpv["90000000"]], delivers_nationwide=True)

    with django_assert_max_num_queries(QUERY_BUDGET) as more:
        assert buyer_client.get(_url(draft)).status_code == 200
    assert len(more.captured_queries) == len(few.captured_queries)


QUERY_BUDGET = 10  # session, user, memberships, tender and parts, names, counts, history


def test_a_divided_draft_is_not_asked_for_the_reason(buyer_client, draft, registry):  # noqa: F811
    LotFactory(tender=draft, number=1)
    LotFactory(tender=draft, number=2)

    page = buyer_client.get(_url(draft))

    assert page.status_code == 200
    assert page.context["form"] is None
    assert page.context["design"].lots.lot_count == 2
