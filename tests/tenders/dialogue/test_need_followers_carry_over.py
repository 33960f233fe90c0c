"""Following a need carries over to the tender made from it: when that tender is published its
followers follow the tender too and are told, once; a tender from no need carries nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from marketplace.models import Notification, NotificationKind
from tenders.models import Follow
from tenders.services.follows import follow, followers_carry_over
from tenders.services.tenders import tender_publish
from tests.factories import FollowFactory, TenderFactory, UserFactory, cpv_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def from_need(buyer, buyer_unit, open_need):
    main_cpv = cpv_code("72000000", "IT services")
    return TenderFactory(
        buyer=buyer, unit=buyer_unit, need=open_need, main_cpv=main_cpv, title="Skoleskyss 2027"
    )


def test_publishing_the_tender_makes_the_needs_followers_follow_it_and_tells_them(
    from_need, open_need, procurement_officer, commit
):
    # given two followers of the need, one of whom already follows the tender's need only
    followers = [
        FollowFactory(need=open_need, tender=None).user,
        FollowFactory(need=open_need, tender=None).user,
    ]
    bystander = UserFactory()

    # when the tender made from the need is published
    with commit():
        tender_publish(tender=from_need, by=procurement_officer)

    # then they follow the tender, and each is told once, with a link to the tender
    assert set(Follow.objects.filter(tender=from_need).values_list("user_id", flat=True)) == {
        u.pk for u in followers
    }
    for user in followers:
        note = Notification.objects.get(recipient=user)
        assert note.kind == NotificationKind.FOLLOWED_UPDATES
        assert from_need.reference in note.subject
        assert "Smartere skoleskyss" in note.body
        assert note.url.endswith(
            reverse("tenders:tender_detail", kwargs={"reference": from_need.reference})
        )
    assert not Notification.objects.filter(recipient=bystander).exists()


def test_carrying_over_twice_keeps_one_follow_and_one_message(from_need, open_need, commit):
    user = FollowFactory(need=open_need, tender=None).user
    from_need.status = from_need.Status.PUBLISHED
    from_need.save()
    follow(user=user, tender=from_need)  # already followed the tender itself

    for _ in range(2):
        with commit():
            assert followers_carry_over(tender=from_need) == 1

    assert Follow.objects.filter(tender=from_need, user=user).count() == 1
    assert Notification.objects.filter(recipient=user).count() == 1


def test_a_draft_or_a_tender_from_no_need_carries_nothing(from_need, open_need, buyer, buyer_unit):
    FollowFactory(need=open_need, tender=None)

    assert followers_carry_over(tender=from_need) == 0  # still a draft
    plain = TenderFactory(buyer=buyer, unit=buyer_unit, published=True)
    assert followers_carry_over(tender=plain) == 0
    assert not Follow.objects.filter(tender__isnull=False).exists()
