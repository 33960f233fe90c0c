"""After opening, the buyer's bid list and a bid's page mark a bidder that is not verified."""

from __future__ import annotations

import pytest
from django.urls import reverse

from marketplace.services.verification import organisation_verify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MARK = 'data-verified="false"'


def test_the_bid_list_after_opening_marks_only_the_unverified_bidder(
    client, assigned, bid_a, bidder_a, bidder_b, procurement_officer
):
    staff = UserFactory(is_staff=True, is_superuser=True)
    organisation_verify(organisation=bidder_b, by=staff)
    client.force_login(procurement_officer)

    listing = client.get(reverse("bids:bids_evaluation", kwargs={"reference": assigned.reference}))
    bid_page = client.get(
        reverse(
            "bids:bids_bid_detail",
            kwargs={"reference": assigned.reference, "public_id": bid_a.public_id},
        )
    )

    assert listing.status_code == 200 and bid_page.status_code == 200
    assert listing.content.decode().count(MARK) == 1  # Fjordlys (unverified), not Nordlys
    assert MARK in bid_page.content.decode()
