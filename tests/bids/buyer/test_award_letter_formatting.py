"""The award letter as people read it: scores with the language's decimal sign and the end of
the standstill period in Oslo time with the zone named, on the letters page and in the e-mail,
in Bokmål and English, in winter (CET) and summer (CEST)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from bids.services import award
from marketplace.models import Notification

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
# The decision's time; the standstill period (10 days) ends 10 days later at the same instant.
WINTER = datetime.datetime(2027, 1, 15, 11, 5, tzinfo=UTC)  # ends 25 Jan 2027, 12:05 CET
SUMMER = datetime.datetime(2027, 7, 15, 10, 5, tzinfo=UTC)  # ends 25 Jul 2027, 12:05 CEST

EXPECTED = {
    ("nb", "winter"): "25. januar 2027 kl. 12:05 (norsk tid, CET)",
    ("nb", "summer"): "25. juli 2027 kl. 12:05 (norsk tid, CEST)",
    ("en", "winter"): "25 January 2027 at 12:05 (Oslo time, CET)",
    ("en", "summer"): "25 July 2027 at 12:05 (Oslo time, CEST)",
}


def _award(agreed, lots, bid_b, procurement_officer, when):
    return award.award_decide(
        tender=agreed,
        lot=lots[0],
        bid=bid_b,
        by=procurement_officer,
        reasons="Best forhold mellom pris og kvalitet.",
        now=when,
    )


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize(("season", "when"), [("winter", WINTER), ("summer", SUMMER)])
def test_the_letter_e_mail_in_the_bidders_language(
    agreed, bid_a, bid_b, lots, procurement_officer, bidder_a_user, settings, lang, season, when
):
    # given a bidder who reads the site in ``lang`` and an award made in another language
    settings.BID_STANDSTILL_DAYS = 10
    bidder_a_user.language = lang
    bidder_a_user.save(update_fields=["language"])
    other = "en" if lang == "nb" else "nb"
    # when
    with translation.override(other):
        decision = _award(agreed, lots, bid_b, procurement_officer, when)
    # then the letter's notification (inbox and e-mail text) is written as the bidder reads
    letter = decision.letters.get(bid=bid_a)
    body = Notification.objects.get(
        recipient=bidder_a_user, key=f"bids:award-letter:{letter.pk}"
    ).body
    assert EXPECTED[(lang, season)] in body
    if lang == "nb":
        assert "8,00" in body and "72,00" in body and "81,00" in body
        assert "72.00" not in body
    else:
        assert "8.00" in body and "72.00" in body and "81.00" in body
        assert "72,00" not in body


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize(("season", "when"), [("winter", WINTER), ("summer", SUMMER)])
def test_the_letters_page_in_both_languages(
    client,
    agreed,
    bid_a,
    bid_b,
    lots,
    procurement_officer,
    bidder_a_user,
    settings,
    lang,
    season,
    when,
):
    settings.BID_STANDSTILL_DAYS = 10
    _award(agreed, lots, bid_b, procurement_officer, when)
    client.force_login(bidder_a_user)
    with translation.override(lang):
        url = reverse("bids:supplier_award_letters", kwargs={"public_id": bid_a.public_id})

    page = client.get(url)

    assert page.status_code == 200
    html = page.content.decode()
    assert EXPECTED[(lang, season)] in html
    ends = (when + datetime.timedelta(days=10)).isoformat().replace("+00:00", "Z")
    assert f'<time datetime="{ends}">' in html
    own_total, winner_total = ("72,00", "81,00") if lang == "nb" else ("72.00", "81.00")
    assert f"<td>{own_total}</td><td>{winner_total}</td>" in html
