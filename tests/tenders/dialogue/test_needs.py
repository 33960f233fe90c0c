"""Needs: the lifecycle services, the buyer's pages and the public list and page."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.errors import InvalidTransition, PermissionDenied
from marketplace.models import AuditEvent, Notification
from tenders.models import Need
from tenders.services.needs import (
    need_close,
    need_create,
    need_mark_tendered,
    need_publish,
    need_update,
)
from tests.factories import FollowFactory, NeedFactory, TenderFactory, UserFactory

pytestmark = pytest.mark.django_db


def create(unit, by, **extra):
    fields = {"title": "Grønnere skoleskyss", "problem": "For mange tomme busser.", **extra}
    return need_create(unit=unit, by=by, **fields)


def test_lifecycle_draft_open_closed_tendered(buyer_unit, procurement_officer, commit):
    need = create(buyer_unit, procurement_officer)
    assert (need.status, need.slug) == (Need.Status.DRAFT, "gronnere-skoleskyss")

    need = need_publish(need=need, by=procurement_officer)
    follower = FollowFactory(need=need, tender=None).user
    with commit():
        need = need_close(need=need, by=procurement_officer)
    with commit():
        need = need_mark_tendered(need=need, by=procurement_officer)

    assert need.status == Need.Status.TENDERED
    assert need.published_at and need.closed_at and need.tendered_at
    assert Notification.objects.filter(recipient=follower).count() == 2
    actions = list(
        AuditEvent.objects.filter(object_type="tenders.need").values_list("action", flat=True)
    )
    assert actions == ["need.created", "need.published", "need.closed", "need.tendered"]


def test_invalid_transitions_are_refused(buyer_unit, procurement_officer):
    need = create(buyer_unit, procurement_officer)

    with pytest.raises(InvalidTransition):
        need_close(need=need, by=procurement_officer)


def test_same_titles_get_different_slugs(buyer_unit, procurement_officer):
    first = create(buyer_unit, procurement_officer)
    second = create(buyer_unit, procurement_officer)

    assert second.slug == "gronnere-skoleskyss-2" != first.slug


def test_an_officer_of_another_unit_cannot_create_or_publish(
    buyer_unit, procurement_officer, other_unit_officer
):
    need = create(buyer_unit, procurement_officer)

    with pytest.raises(PermissionDenied):
        create(buyer_unit, other_unit_officer)
    with pytest.raises(PermissionDenied):
        need_publish(need=need, by=other_unit_officer)


def test_a_supplier_cannot_create_needs(buyer_unit, supplier_admin):
    with pytest.raises(PermissionDenied):
        create(buyer_unit, supplier_admin)


def test_budget_range_must_be_ordered(buyer_unit, procurement_officer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        create(buyer_unit, procurement_officer, budget_min=Decimal("10"), budget_max=Decimal("5"))


def test_changing_an_open_need_tells_followers(open_need, procurement_officer, commit):
    follower = FollowFactory(need=open_need, tender=None).user

    with commit():
        need_update(need=open_need, by=procurement_officer, timeline="Pilot våren 2027")
    with commit():
        need_update(
            need=open_need,
            by=procurement_officer,
            dialogue_deadline=timezone.now() + datetime.timedelta(days=60),
        )

    events = set(Notification.objects.filter(recipient=follower).values_list("key", flat=True))
    assert any(":amended:" in key for key in events)
    assert any(":deadline_changed:" in key for key in events)


def test_closed_need_cannot_be_edited(open_need, procurement_officer):
    need_close(need=open_need, by=procurement_officer)

    with pytest.raises(InvalidTransition):
        need_update(need=open_need, by=procurement_officer, title="Nytt navn")


def test_mark_tendered_refuses_another_buyers_tender(open_need, procurement_officer):
    from marketplace.errors import DomainError

    with pytest.raises(DomainError):
        need_mark_tendered(need=open_need, by=procurement_officer, tender=TenderFactory())


# --- Buyer pages --------------------------------------------------------------------------------


def test_buyer_creates_and_publishes_a_need_through_the_pages(buyer_client, buyer_unit):
    response = buyer_client.post(
        "/en/innkjop/behov/ny/",
        {
            "title": "Digitale skolebøker",
            "unit": buyer_unit.pk,
            "problem": "Elevene bærer for tungt.",
            "dialogue_deadline": "2030-11-02T12:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    need = Need.objects.get()
    # entered as Oslo time, stored in UTC: 12:00 in November is 11:00 UTC
    assert need.dialogue_deadline == datetime.datetime(2030, 11, 2, 11, 0, tzinfo=datetime.UTC)

    published = buyer_client.post(f"/en/innkjop/behov/{need.slug}/publiser/")
    need.refresh_from_db()
    assert published.status_code == 302 and need.status == Need.Status.OPEN

    page = buyer_client.get(f"/en/behov/{need.slug}/").content.decode()
    assert "2 November 2030 at 12:00 (Oslo time, CET)" in page


def test_need_form_errors_in_both_languages(buyer_client, buyer_unit):
    english = buyer_client.post("/en/innkjop/behov/ny/", {"unit": buyer_unit.pk})
    norwegian = buyer_client.post("/innkjop/behov/ny/", {"unit": buyer_unit.pk})

    assert english.status_code == norwegian.status_code == 400
    assert 'id="id_title_error"' in english.content.decode()
    assert "This field is required." in english.content.decode()
    assert "Dette feltet er påkrevet." in norwegian.content.decode()


def test_buyer_pages_of_another_organisation_or_unit_answer_404(
    client, open_need, other_unit_officer, supplier_admin
):
    for user in (other_unit_officer, supplier_admin):
        client.force_login(user)
        for suffix in ("", "endre/", "dialog/", "dialog.csv"):
            assert client.get(f"/en/innkjop/behov/{open_need.slug}/{suffix}").status_code == 404
        assert client.post(f"/en/innkjop/behov/{open_need.slug}/lukk/").status_code == 404
    open_need.refresh_from_db()
    assert open_need.status == Need.Status.OPEN


def test_a_supplier_is_refused_the_buyer_need_list(supplier_client):
    assert supplier_client.get("/en/innkjop/behov/").status_code == 403


def test_buyer_need_list_shows_only_own_units_needs(
    buyer_client, open_need, buyer, django_assert_max_num_queries
):
    NeedFactory.create_batch(3, buyer=buyer, unit=open_need.unit)
    NeedFactory(title="Annen enhet sitt behov", buyer=buyer)

    with django_assert_max_num_queries(14):
        html = buyer_client.get("/en/innkjop/behov/").content.decode()

    assert open_need.title in html
    assert "Annen enhet sitt behov" not in html


# --- Public pages -------------------------------------------------------------------------------


def test_public_list_shows_open_needs_and_hides_drafts(
    client, open_need, buyer, buyer_unit, django_assert_max_num_queries
):
    NeedFactory(buyer=buyer, unit=buyer_unit, title="Hemmelig utkast")
    NeedFactory.create_batch(5, buyer=buyer, unit=buyer_unit, open=True)

    with django_assert_max_num_queries(10):
        html = client.get("/en/behov/").content.decode()

    assert open_need.title in html
    assert "Hemmelig utkast" not in html


def test_public_list_filters_pilots(client, buyer, buyer_unit, open_need):
    pilot = NeedFactory(buyer=buyer, unit=buyer_unit, open=True, pilot=True, title="Pilot i skolen")

    html = client.get("/en/behov/?pilot=1").content.decode()

    assert pilot.title in html and open_need.title not in html


def test_a_draft_need_page_answers_404(client, buyer, buyer_unit):
    draft = NeedFactory(buyer=buyer, unit=buyer_unit)

    assert client.get(f"/en/behov/{draft.slug}/").status_code == 404


def test_need_page_links_the_test_arena(client, buyer, buyer_unit):
    need = NeedFactory(buyer=buyer, unit=buyer_unit, open=True, pilot=True)

    html = client.get(f"/en/behov/{need.slug}/").content.decode()

    assert f"/en/testarenaer/{need.test_arena.slug}/" in html


def test_follow_and_unfollow_a_need_through_the_page(client, open_need):
    user = UserFactory()
    client.force_login(user)

    client.post(f"/en/behov/{open_need.slug}/folg/", {"action": "follow"})
    assert open_need.follows.filter(user=user).exists()
    assert "Stop following" in client.get(f"/en/behov/{open_need.slug}/").content.decode()
    client.post(f"/en/behov/{open_need.slug}/folg/", {"action": "unfollow"})
    assert not open_need.follows.filter(user=user).exists()


def test_follow_a_tender_through_the_page_and_ignore_a_foreign_next(client, tender):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        f"/en/konkurranser/{tender.reference}/folg/",
        {"action": "follow", "next": "https://evil.example/"},
    )

    assert tender.follows.filter(user=user).exists()
    assert response["Location"] == f"/en/konkurranser/{tender.reference}/"


def test_following_a_draft_tender_answers_404(client):
    client.force_login(UserFactory())
    draft = TenderFactory()

    assert client.post(f"/en/konkurranser/{draft.reference}/folg/").status_code == 404
