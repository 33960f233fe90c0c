"""The opening date and two-person opening are the officer's, changed on a published tender only
by an amendment that tells the followers (bidders follow the tender)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from marketplace.errors import PermissionDenied
from marketplace.models import Notification
from tenders.models import Tender
from tenders.services.tenders import TenderInput, tender_amend

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(buyer, buyer_unit):
    from tests.factories import TenderFactory, cpv_code

    return TenderFactory(
        buyer=buyer,
        unit=buyer_unit,
        published=True,
        lots=1,
        main_cpv=cpv_code("72000000", "IT services"),
    )


def test_moving_the_opening_date_is_an_amendment_that_tells_followers(
    published, procurement_officer, django_capture_on_commit_callbacks
):
    from tests.factories import FollowFactory

    follower = FollowFactory(tender=published).user
    later = published.submission_deadline + datetime.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        amendment = tender_amend(
            tender=published,
            by=procurement_officer,
            data=TenderInput(fields={"opening_at": later, "two_person_opening": True}),
            summary="Åpning av tilbud flyttes.",
        )
    published.refresh_from_db()
    assert published.opening_at == later and published.two_person_opening
    assert published.opens_at == later
    assert set(amendment.changes) == {"opening_at", "two_person_opening"}
    assert Notification.objects.filter(recipient=follower).exists()


def test_an_opener_cannot_move_the_opening_date(published, buyer, buyer_unit):
    from marketplace.models import Role
    from tests.factories.bid_evaluation import buyer_user

    opener = buyer_user(buyer, Role.BID_OPENER, unit=buyer_unit)
    with pytest.raises(PermissionDenied):
        tender_amend(
            tender=published,
            by=opener,
            data=TenderInput(fields={"opening_at": published.submission_deadline}),
            summary="Nei.",
        )


def test_the_form_refuses_an_opening_before_the_deadline(client, published, procurement_officer):
    from tenders.services.tender_snapshot import tender_snapshot

    client.force_login(procurement_officer)
    url = reverse("tenders:buyer_tender_edit", kwargs={"reference": published.reference})
    page = client.get(url)
    assert b'name="opening_at"' in page.content
    assert b'name="two_person_opening"' in page.content
    snapshot = tender_snapshot(published)
    assert "opening_at" in snapshot
    before = Tender.objects.get(pk=published.pk).version
    response = client.post(
        url,
        {
            "opening_at": "2000-01-01T10:00",
            "submission_deadline": published.submission_deadline.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 200
    assert b'id="id_opening_at_error"' in response.content
    assert Tender.objects.get(pk=published.pk).version == before
