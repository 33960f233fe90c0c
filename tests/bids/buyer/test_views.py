"""The seal through every buyer page, the Django admin and the API; the pages' workflows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from bids.models import AwardDecision, ConsensusScore, Score, TenderOpening
from marketplace.models import AuditEvent
from marketplace.models.audit import RefusalTally

from .conftest import MARKER

pytestmark = pytest.mark.django_db

SUPPLIER_NAMES = ("Fjordlys Teknologi AS", "Nordlys Data AS", "Vei og Sensor AS")


def buyer_urls(tender, bid, document) -> dict[str, str]:
    ref = tender.reference
    bid_kwargs = {"reference": ref, "public_id": bid.public_id}
    return {
        "overview": reverse("bids:buyer_bids", kwargs={"reference": ref}),
        "protocol": reverse("bids:bids_protocol", kwargs={"reference": ref}),
        "protocol_csv": reverse(
            "bids:bids_protocol_download", kwargs={"reference": ref, "fmt": "csv"}
        ),
        "protocol_txt": reverse(
            "bids:bids_protocol_download", kwargs={"reference": ref, "fmt": "txt"}
        ),
        "evaluation": reverse("bids:bids_evaluation", kwargs={"reference": ref}),
        "report": reverse("bids:bids_report", kwargs={"reference": ref}),
        "award": reverse("bids:bids_award", kwargs={"reference": ref}),
        "bid": reverse("bids:bids_bid_detail", kwargs=bid_kwargs),
        "document": reverse(
            "bids:bids_bid_document", kwargs={**bid_kwargs, "document_id": document.public_id}
        ),
        "consensus": reverse("bids:bids_consensus", kwargs=bid_kwargs),
        "scores": reverse("bids:bids_score_sheet", kwargs=bid_kwargs),
    }


def refusals() -> int:
    """Refused attempts counted: the first of a window is an audit event, repeats are tallied."""
    tallies = RefusalTally.objects.filter(action="bid.sealed_access_refused")
    return tallies.aggregate(total=Sum("count"))["total"] or 0


def assert_reveals_nothing(response):
    body = response.content
    for name in SUPPLIER_NAMES:
        assert name.encode() not in body
    assert MARKER not in body
    assert b"Number of bids" not in body and b"Antall tilbud" not in body


# --- Before opening: everyone is refused, and it is audited ---------------------------------------


@pytest.mark.parametrize(
    ("who", "member"),
    [
        ("procurement_officer", True),
        ("opener", True),
        ("evaluator", True),
        ("superuser", False),
        ("other_officer", False),
        ("bidder_a_user", False),
    ],
)
def test_before_opening_every_buyer_page_is_sealed(
    request, client, tender, bid_a, bid_b, procurement_officer, evaluator, who, member
):
    from bids.services.evaluation import evaluator_assign

    evaluator_assign(tender=tender, user=evaluator, by=procurement_officer)
    user = request.getfixturevalue(who)
    client.force_login(user)
    for name, url in buyer_urls(tender, bid_a, bid_a.documents.get()).items():
        before = refusals()
        response = client.get(url)
        expected = (200 if name == "overview" else 403) if member else 404
        assert response.status_code == expected, (who, name)
        assert_reveals_nothing(response)
        assert refusals() == before + 1, (who, name)


def test_the_sealed_page_says_until_when_but_not_how_many(client, tender, bids, opener):
    from tests.factories import TenderFactory

    empty = TenderFactory(
        buyer=tender.buyer,
        unit=tender.unit,
        closed=True,
        lots=1,
        submission_deadline=tender.submission_deadline,
    )
    client.force_login(opener)

    def notice(reference):
        response = client.get(reverse("bids:buyer_bids", kwargs={"reference": reference}))
        assert_reveals_nothing(response)
        return response.content.split(b'id="sealed-notice"')[1].split(b"</div>")[0]

    with_bids, without = notice(tender.reference), notice(empty.reference)
    assert "Ikke tilgjengelig – forseglet".encode() in with_bids  # "N/A — sealed"
    assert b"<time" in with_bids
    # a tender with two bids and one with none look exactly the same
    assert with_bids == without


# --- Opening through the page ---------------------------------------------------------------------


def test_opener_opens_through_the_page_and_reads_the_protocol(client, tender, bids, opener):
    client.force_login(opener)
    response = client.post(reverse("bids:bids_open", kwargs={"reference": tender.reference}))
    assert response.status_code == 302
    assert TenderOpening.objects.get(tender=tender).opened_at is not None
    page = client.get(response["Location"])
    assert page.status_code == 200
    for name in SUPPLIER_NAMES:
        assert name.encode() in page.content
    csv = client.get(
        reverse("bids:bids_protocol_download", kwargs={"reference": tender.reference, "fmt": "csv"})
    )
    assert csv["Content-Disposition"].startswith("attachment")
    text = csv.content.decode()
    assert "Nordlys Data AS" in text
    # cells people read: the price and the submission time as the page's language writes them
    assert ",800\N{NO-BREAK SPACE}000," in text
    assert "(norsk tid, CE" in text


def test_officer_cannot_open(client, tender, bids, procurement_officer):
    client.force_login(procurement_officer)
    client.post(reverse("bids:bids_open", kwargs={"reference": tender.reference}))
    assert not TenderOpening.objects.filter(tender=tender).exists()


# --- After opening: the right roles only ----------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        (
            "procurement_officer",
            {
                "overview",
                "protocol",
                "protocol_csv",
                "protocol_txt",
                "evaluation",
                "report",
                "award",
                "bid",
                "document",
                "consensus",
            },
        ),
        (
            "opener",
            {
                "overview",
                "protocol",
                "protocol_csv",
                "protocol_txt",
                "evaluation",
                "report",
                "award",
                "bid",
                "document",
            },
        ),
        (
            "evaluator",
            {
                "overview",
                "protocol",
                "protocol_csv",
                "protocol_txt",
                "evaluation",
                "report",
                "award",
                "bid",
                "document",
                "scores",
            },
        ),
        ("superuser", set()),
        ("other_officer", set()),
        ("bidder_a_user", set()),
    ],
)
def test_after_opening_only_the_right_roles_read(request, client, assigned, bid_a, who, allowed):
    user = request.getfixturevalue(who)
    client.force_login(user)
    for name, url in buyer_urls(assigned, bid_a, bid_a.documents.get()).items():
        response = client.get(url)
        if name in allowed:
            assert response.status_code == 200, (who, name)
        else:
            assert response.status_code in (403, 404), (who, name)
            assert_reveals_nothing(response)


def test_reading_a_bid_and_its_document_is_audited(client, assigned, bid_a, evaluator):
    client.force_login(evaluator)
    urls = buyer_urls(assigned, bid_a, bid_a.documents.get())
    page = client.get(urls["bid"])
    assert b"tilbudsbrev.pdf" in page.content
    download = client.get(urls["document"])
    assert b"".join(download.streaming_content) == MARKER  # streamed, chunk by chunk
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    # the buyer gets the file under the name the supplier uploaded, and its detected type
    assert 'filename="tilbudsbrev.pdf"' in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(action="bid.read", actor=evaluator).count() == 2


def test_an_unassigned_evaluator_gets_404(client, opened, bid_a, buyer):
    from marketplace.models import Role
    from tests.factories.bid_evaluation import buyer_user

    client.force_login(buyer_user(buyer, Role.EVALUATOR))
    for url in buyer_urls(opened, bid_a, bid_a.documents.get()).values():
        assert client.get(url).status_code == 404


def test_my_evaluations_lists_only_assigned_tenders(client, assigned, evaluator, buyer, buyer_unit):
    from tests.factories import TenderFactory

    other = TenderFactory(buyer=buyer, unit=buyer_unit, closed=True, title="Ikke min")
    client.force_login(evaluator)
    response = client.get(reverse("bids:my_evaluations"))
    assert assigned.title.encode() in response.content
    assert other.title.encode() not in response.content


# --- Evaluation and award through the pages -------------------------------------------------------


def test_evaluator_scores_and_officer_agrees_through_the_pages(
    client, qualified, bid_b, lots, criteria, evaluator, procurement_officer
):
    kwargs = {"reference": qualified.reference, "public_id": bid_b.public_id}
    key = f"{lots[0].pk}_{criteria[0].pk}"
    client.force_login(evaluator)
    response = client.post(
        reverse("bids:bids_score_sheet", kwargs=kwargs),
        {f"points_{key}": "7.5", f"comment_{key}": "Godt"},
    )
    assert response.status_code == 302
    assert Score.objects.get(bid=bid_b, evaluator=evaluator).points == Decimal("7.50")
    # out of range is a field error on the page
    bad = client.post(reverse("bids:bids_score_sheet", kwargs=kwargs), {f"points_{key}": "11"})
    assert bad.status_code == 400
    assert f'id="id_points_{key}_error"'.encode() in bad.content

    client.force_login(procurement_officer)
    sheet = client.get(reverse("bids:bids_consensus", kwargs=kwargs))
    assert b"Godt" in sheet.content
    missing = client.post(reverse("bids:bids_consensus", kwargs=kwargs), {f"points_{key}": "8"})
    assert missing.status_code == 400
    done = client.post(
        reverse("bids:bids_consensus", kwargs=kwargs),
        {f"points_{key}": "8", f"rationale_{key}": "Enige"},
    )
    assert done.status_code == 302
    assert ConsensusScore.objects.get(bid=bid_b, criterion=criteria[0]).points == Decimal("8.00")


def test_award_and_un_award_through_the_pages(
    client, agreed, bid_b, bid_a, lots, procurement_officer, bidder_a_user, other_officer
):
    ref = agreed.reference
    client.force_login(procurement_officer)
    response = client.post(
        reverse("bids:bids_award_decide", kwargs={"reference": ref, "number": 1}),
        {"lot1-bid": bid_b.pk, "lot1-reasons": "Høyest poengsum."},
    )
    assert response.status_code == 302
    decision = AwardDecision.objects.get(lot=lots[0])
    page = client.get(reverse("bids:bids_award", kwargs={"reference": ref}))
    assert b"Nordlys Data AS" in page.content

    # the unsuccessful bidder reads its own and the winner's scores
    client.force_login(bidder_a_user)
    letters = client.get(
        reverse("bids:supplier_award_letters", kwargs={"public_id": bid_a.public_id})
    )
    assert letters.status_code == 200
    assert b"72,00" in letters.content and b"81,00" in letters.content  # Bokmål decimals
    # another supplier gets 404 on the letters
    client.force_login(other_officer)
    assert (
        client.get(
            reverse("bids:supplier_award_letters", kwargs={"public_id": bid_a.public_id})
        ).status_code
        == 404
    )

    # another buyer's officer gets 404 on the decision's URLs
    withdraw_url = reverse("bids:bids_award_withdraw", kwargs={"reference": ref, "pk": decision.pk})
    assert client.post(withdraw_url, {"reason": "x"}).status_code == 404

    client.force_login(procurement_officer)
    assert client.post(withdraw_url, {"reason": ""}).status_code == 400
    assert client.post(withdraw_url, {"reason": "Regnefeil."}).status_code == 302
    decision.refresh_from_db()
    assert decision.status == AwardDecision.Status.WITHDRAWN
    history = client.get(reverse("bids:bids_award", kwargs={"reference": ref}))
    assert b"Regnefeil." in history.content


def test_report_shows_totals_and_ranking(client, agreed, procurement_officer):
    client.force_login(procurement_officer)
    response = client.get(reverse("bids:bids_report", kwargs={"reference": agreed.reference}))
    assert response.status_code == 200
    for total in (b"81,00", b"72,00", b"71,50"):  # Bokmål decimals
        assert total in response.content


# --- Django admin ---------------------------------------------------------------------------------


def test_admin_hides_sealed_bids_even_from_a_superuser(client, tender, bid_a, superuser):
    client.force_login(superuser)
    listing = client.get(reverse("admin:bids_bid_changelist"))
    assert listing.status_code == 200
    assert str(bid_a.public_id).encode() not in listing.content
    before = refusals()
    for view in ("change", "history", "delete"):
        response = client.get(reverse(f"admin:bids_bid_{view}", args=[bid_a.pk]))
        assert response.status_code == 404, view
        assert_reveals_nothing(response)
    assert refusals() == before + 3
    # a bid that does not exist answers the same
    assert client.get(reverse("admin:bids_bid_change", args=[999999])).status_code == 404


def test_admin_shows_opened_bids_without_content(client, opened, bid_a, superuser):
    client.force_login(superuser)
    listing = client.get(reverse("admin:bids_bid_changelist"))
    assert str(bid_a.public_id).encode() in listing.content
    page = client.get(reverse("admin:bids_bid_change", args=[bid_a.pk]))
    assert page.status_code == 200
    assert MARKER not in page.content
    assert b"sealed_content" not in page.content and b"wrapped_key" not in page.content
    assert b"900000" not in page.content  # prices are content


def test_wagtail_admin_has_nothing_of_bids():
    from wagtail import hooks

    for hook in ("register_admin_viewset", "register_snippet", "register_admin_menu_item"):
        for fn in hooks.get_hooks(hook):
            assert "bids" not in getattr(fn, "__module__", ""), fn


# --- API ------------------------------------------------------------------------------------------


def test_api_refuses_before_opening_with_a_problem(client, tender, bids, procurement_officer):
    client.force_login(procurement_officer)
    before = refusals()
    response = client.get(f"/api/tenders/{tender.reference}/bids/")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "bid_sealed"
    assert_reveals_nothing(response)
    assert refusals() == before + 1


@pytest.mark.parametrize("who", ["superuser", "other_officer", "bidder_a_user"])
def test_api_answers_404_to_others_and_audits(request, client, opened, who):
    client.force_login(request.getfixturevalue(who))
    before = refusals()
    response = client.get(f"/api/tenders/{opened.reference}/bids/")
    assert response.status_code == 404
    assert_reveals_nothing(response)
    assert refusals() == before + 1


def test_api_lists_bidders_lots_and_prices_after_opening(client, opened, procurement_officer):
    client.force_login(procurement_officer)
    data = client.get(f"/api/tenders/{opened.reference}/bids/").json()
    rows = {entry["supplier"]: entry for entry in data["bids"]}
    assert set(rows) == {"Fjordlys Teknologi AS", "Nordlys Data AS"}
    assert rows["Nordlys Data AS"]["lots"] == [
        {"number": 1, "title": "Delkontrakt 1", "price": "800000"}
    ]
    assert rows["Fjordlys Teknologi AS"]["consortium"][0]["name"] == "Vei og Sensor AS"


def test_api_needs_a_login(client, opened):
    assert client.get(f"/api/tenders/{opened.reference}/bids/").status_code in (401, 403)


def test_report_and_evaluation_queries_do_not_grow_with_bids(
    client, agreed, buyer, buyer_unit, procurement_officer, opener
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bids.services.evaluation import qualification_assess
    from bids.services.opening import opening_start
    from tests.factories import TenderFactory
    from tests.factories.bid_evaluation import submitted_bid

    bigger = TenderFactory(buyer=buyer, unit=buyer_unit, closed=True, lots=2, criteria=[60, 40])
    bids = [submitted_bid(bigger) for _ in range(5)]
    opening_start(tender=bigger, by=opener)
    for bid in bids:
        qualification_assess(bid=bid, by=procurement_officer, result="qualified")
    client.force_login(procurement_officer)

    def counts(tender):
        out = []
        for name in ("bids:bids_report", "bids:bids_evaluation", "bids:bids_award"):
            url = reverse(name, kwargs={"reference": tender.reference})
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            out.append(len(queries))
        return out

    with_two, with_five = counts(agreed), counts(bigger)
    assert max(with_two) <= 40
    assert with_five == with_two


def test_two_person_opening_through_the_pages(client, tender, bids, opener, second_opener):
    tender.two_person_opening = True
    tender.save()
    url = reverse("bids:bids_open", kwargs={"reference": tender.reference})
    overview = reverse("bids:buyer_bids", kwargs={"reference": tender.reference})

    client.force_login(opener)
    client.post(url)
    page = client.get(overview)
    assert TenderOpening.objects.get(tender=tender).opened_at is None
    assert "Bekreft åpningen".encode() not in page.content  # not to the same person
    assert_reveals_nothing(page)

    client.force_login(second_opener)
    assert "Bekreft åpningen".encode() in client.get(overview).content
    client.post(url)
    opened = TenderOpening.objects.get(tender=tender)
    assert opened.opened_at is not None and opened.confirmed_by == second_opener
