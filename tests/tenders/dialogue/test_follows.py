"""Following tenders and needs, and telling followers once per event."""

from __future__ import annotations

import pytest
from django.core import mail

from marketplace.errors import DomainError
from marketplace.models import Notification, NotificationKind
from tenders.models import Follow
from tenders.services.follows import follow, followers_notify, unfollow
from tests.factories import FollowFactory, NeedFactory, TenderFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_follow_is_idempotent_and_unfollow_stops_it(tender):
    user = UserFactory()

    first = follow(user=user, tender=tender)
    again = follow(user=user, tender=tender)

    assert again.pk == first.pk
    assert Follow.objects.filter(user=user, tender=tender).count() == 1
    assert unfollow(user=user, tender=tender) is True
    assert unfollow(user=user, tender=tender) is False
    assert not Follow.objects.filter(user=user).exists()


def test_draft_tender_and_draft_need_cannot_be_followed(buyer, buyer_unit):
    user = UserFactory()

    with pytest.raises(DomainError) as tender_error:
        follow(user=user, tender=TenderFactory(buyer=buyer, unit=buyer_unit))
    with pytest.raises(DomainError) as need_error:
        follow(user=user, need=NeedFactory(buyer=buyer, unit=buyer_unit))

    assert tender_error.value.code == need_error.value.code == "follow_not_public"


def test_follow_needs_exactly_one_target(tender, open_need):
    with pytest.raises(ValueError):
        follow(user=UserFactory(), tender=tender, need=open_need)
    with pytest.raises(ValueError):
        followers_notify(event="amended")


def test_unknown_event_is_refused(tender):
    with pytest.raises(ValueError):
        followers_notify(event="need_closed", tender=tender)


def test_followers_are_told_once_each_in_their_language(tender, commit):
    # given two followers (one reads English) and someone who does not follow
    norwegian = FollowFactory(tender=tender, user=UserFactory(language="nb")).user
    english = FollowFactory(tender=tender, user=UserFactory(language="en")).user
    bystander = UserFactory()

    # when the same amendment is announced twice
    for _ in range(2):
        with commit():
            followers_notify(
                event="amended", tender=tender, context={"key": "a1", "summary": "New lot 3"}
            )

    # then each follower has one notification and one e-mail
    assert not Notification.objects.filter(recipient=bystander).exists()
    for user in (norwegian, english):
        notes = Notification.objects.filter(recipient=user)
        assert notes.count() == 1
        assert notes.get().kind == NotificationKind.FOLLOWED_UPDATES
        assert "New lot 3" in notes.get().body
    english_note = Notification.objects.get(recipient=english)
    assert english_note.subject == f"Changed: {tender.reference} Drift av ladestasjoner"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([norwegian.email, english.email])


def test_a_new_key_is_a_new_notification(tender, commit):
    user = FollowFactory(tender=tender).user

    with commit():
        followers_notify(event="amended", tender=tender, context={"key": "a1"})
    with commit():
        followers_notify(event="amended", tender=tender, context={"key": "a2"})

    assert Notification.objects.filter(recipient=user).count() == 2


def test_nothing_is_sent_when_the_change_rolls_back(tender, django_capture_on_commit_callbacks):
    FollowFactory(tender=tender)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        followers_notify(event="cancelled", tender=tender, context={"reason": "Budget"})

    assert len(callbacks) == 1  # scheduled for the commit, not run before it
    assert not Notification.objects.exists()


def test_deadline_change_shows_the_new_deadline_in_oslo_time(tender, commit):
    import datetime
    import zoneinfo

    # a deadline after the October DST change: 12:00 in Oslo is 11:00 UTC
    tender.submission_deadline = datetime.datetime(
        2026, 11, 2, 12, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Oslo")
    )
    tender.question_deadline = None
    tender.save()
    user = FollowFactory(tender=tender, user=UserFactory(language="en")).user

    with commit():
        followers_notify(event="deadline_changed", tender=tender, context={"key": "d1"})

    body = Notification.objects.get(recipient=user).body
    assert "2 November 2026 at 12:00 (Oslo time, CET)" in body


def test_need_followers_hear_that_the_dialogue_closed(open_need, commit):
    user = FollowFactory(need=open_need, tender=None, user=UserFactory(language="en")).user

    with commit():
        followers_notify(event="need_closed", need=open_need)

    note = Notification.objects.get(recipient=user)
    assert note.subject == "Dialogue closed: Smartere skoleskyss"
    assert note.url == f"/behov/{open_need.slug}/"
