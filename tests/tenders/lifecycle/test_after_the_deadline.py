"""Right after the deadline, with no worker and no periodic close: the opener finds the tender,
opens its bids, and hears once that the deadline passed when the close does run."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.errors import InvalidTransition
from marketplace.models import Notification, Role
from marketplace.services.organisations import default_language_path
from tenders.models import Tender
from tenders.selectors.buyer import tenders_to_open, workspace_tenders
from tenders.services.closing import tender_close, tenders_close_due
from tests.factories import OrganisationUnitFactory, TenderFactory
from tests.factories.bid_evaluation import buyer_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def opener(buyer, buyer_unit):
    return buyer_user(buyer, Role.BID_OPENER, unit=buyer_unit, email="apner@afk.test")


@pytest.fixture
def other_unit_opener(buyer):
    unit = OrganisationUnitFactory(organisation=buyer, name="Utdanning", name_en="Education")
    return buyer_user(buyer, Role.BID_OPENER, unit=unit, email="apner-utdanning@afk.test")


@pytest.fixture
def just_passed(buyer, buyer_unit):
    """Published, its deadline a minute ago; nothing has closed it."""
    now = timezone.now()
    return TenderFactory(
        buyer=buyer,
        unit=buyer_unit,
        published=True,
        question_deadline=now - datetime.timedelta(days=3),
        submission_deadline=now - datetime.timedelta(minutes=1),
        title="Skoleskyss etter fristen",
    )


def test_the_opener_lists_a_tender_the_moment_its_deadline_passes(
    opener, other_unit_opener, just_passed, buyer, buyer_unit
):
    TenderFactory(buyer=buyer, unit=buyer_unit, published=True)  # still open

    assert just_passed.status == Tender.Status.PUBLISHED
    assert [t.pk for t in tenders_to_open(opener)] == [just_passed.pk]
    assert tenders_to_open(other_unit_opener) == []
    # a second before the deadline it was not there yet
    before = just_passed.submission_deadline - datetime.timedelta(seconds=1)
    assert tenders_to_open(opener, now=before) == []


def test_the_workspace_shows_it_past_the_deadline_not_open(
    procurement_officer, just_passed, buyer, buyer_unit
):
    still_open = TenderFactory(buyer=buyer, unit=buyer_unit, published=True)

    lists = workspace_tenders(procurement_officer)

    assert [t.pk for t in lists["upcoming"]] == [still_open.pk]
    assert [t.pk for t in lists["after_deadline"]] == [just_passed.pk]


def test_the_opener_finds_and_opens_it_from_the_workspace(client, opener, just_passed):
    client.force_login(opener)
    overview = reverse("bids:buyer_bids", kwargs={"reference": just_passed.reference})

    page = client.get(reverse("tenders:buyer_workspace"))

    assert page.status_code == 200
    assert f'href="{overview}"'.encode() in page.content
    assert client.get(overview).status_code == 200
    response = client.post(reverse("bids:bids_open", kwargs={"reference": just_passed.reference}))
    assert response.status_code == 302
    just_passed.refresh_from_db()
    assert just_passed.status == Tender.Status.CLOSED
    assert just_passed.opening.is_open


def test_another_units_opener_gets_404_on_its_bids(client, other_unit_opener, just_passed):
    client.force_login(other_unit_opener)

    response = client.get(reverse("bids:buyer_bids", kwargs={"reference": just_passed.reference}))

    assert response.status_code == 404


def test_the_openers_are_told_once_when_the_deadline_passes(
    opener, other_unit_opener, procurement_officer, just_passed
):
    # when the periodic close runs twice (and a stray second close is refused)
    assert tenders_close_due() == [just_passed.reference]
    assert tenders_close_due() == []

    # then the unit's opener has one message linking to the opening page; nobody else has one
    told = Notification.objects.filter(key=f"tender:{just_passed.pk}:deadline_passed")
    assert [n.recipient_id for n in told] == [opener.pk]
    assert just_passed.reference in told.get().subject
    assert told.get().url == default_language_path(
        "bids:buyer_bids", reference=just_passed.reference
    )


def test_the_first_opening_closes_it_and_tells_the_openers(
    opener, second_opener_factory, just_passed
):
    from bids.services.opening import opening_start

    other = second_opener_factory()
    opening_start(tender=just_passed, by=opener)

    just_passed.refresh_from_db()
    assert just_passed.status == Tender.Status.CLOSED
    told = Notification.objects.filter(key=f"tender:{just_passed.pk}:deadline_passed")
    assert sorted(n.recipient_id for n in told) == sorted([opener.pk, other.pk])
    with pytest.raises(InvalidTransition):
        tender_close(tender=just_passed)
    assert told.count() == 2


@pytest.fixture
def second_opener_factory(buyer):
    return lambda: buyer_user(buyer, Role.BID_OPENER, email="apner2@afk.test")


def test_the_workspace_shows_a_need_past_its_dialogue_deadline_as_closed(client, buyer, buyer_unit):
    from tests.factories import NeedFactory

    officer = buyer_user(buyer, Role.PROCUREMENT_OFFICER, unit=buyer_unit, email="behov@afk.test")
    need = NeedFactory(
        buyer=buyer,
        unit=buyer_unit,
        open=True,
        dialogue_deadline=timezone.now() - datetime.timedelta(minutes=1),
    )
    client.force_login(officer)

    response = client.get(reverse("tenders:buyer_workspace"))

    [shown] = response.context["needs"]
    assert shown.pk == need.pk and shown.status == "open"  # the close has not run
    assert shown.status_label == str(need.Status.CLOSED.label)
