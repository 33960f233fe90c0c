"""The bidding side's pages: every bid URL is 404 (and audited) to anyone but the bidding side;
the lead supplier's journey from start to receipt works through the pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bids.models import Bid
from bids.services import consortium as consortium_services
from bids.services.bids import bid_submit
from marketplace.models import AuditEvent, Role
from tests.conftest import with_totp
from tests.factories import MembershipFactory, SupplierFactory, UserFactory
from tests.factories.bids import MINIMAL_PDF, draft_bid, supplier_member, tender_ready_for_bids

pytestmark = pytest.mark.django_db

# (url name, method, needs a document id, needs a member id)
BID_URLS = [
    ("supplier_bid_detail", "get", False, False),
    ("supplier_bid_edit", "get", False, False),
    ("supplier_bid_edit", "post", False, False),
    ("supplier_documents", "get", False, False),
    ("supplier_documents", "post", False, False),
    ("supplier_document_download", "get", True, False),
    ("supplier_document_remove", "post", True, False),
    ("supplier_consortium", "get", False, False),
    ("supplier_consortium", "post", False, False),
    ("supplier_consortium_respond", "post", False, False),
    ("supplier_consortium_remove", "post", False, True),
    ("supplier_submit", "get", False, False),
    ("supplier_submit", "post", False, False),
    ("supplier_withdraw", "post", False, False),
    ("supplier_new_version", "post", False, False),
    ("supplier_receipt", "get", False, False),
    ("supplier_receipt_download", "get", False, False),
]


@pytest.fixture
def sealed_bid(buyer, buyer_unit, lead, lead_user, django_capture_on_commit_callbacks):
    """A submitted joint bid with a document, on a tender of the ``buyer`` fixture."""
    tender = tender_ready_for_bids(lots=1, buyer=buyer, unit=buyer_unit)
    bid = draft_bid(
        tender=tender, supplier=lead, by=lead_user, documents=[("tilbud.pdf", MINIMAL_PDF)]
    )
    partner = SupplierFactory(name="Vei og Data AS")
    partner_admin = supplier_member(partner, email="admin@veiogdata.test")
    member = consortium_services.consortium_invite(
        bid=bid, by=lead_user, org_number=partner.org_number
    )
    consortium_services.consortium_respond(member=member, by=partner_admin, accept=True)
    with django_capture_on_commit_callbacks(execute=True):
        bid = bid_submit(bid=bid, by=lead_user)
    bid.partner_admin = partner_admin
    return bid


def _url(bid, name, with_document, with_member):
    kwargs = {"public_id": bid.public_id}
    if with_document:
        kwargs["document_id"] = bid.documents.get().public_id
    if with_member:
        kwargs["member_id"] = bid.consortium_members.get().pk
    return reverse(f"bids:{name}", kwargs=kwargs)


def _actor(role, buyer, buyer_unit):
    if role == "other supplier":
        return supplier_member(email="konkurrent@annen.test")
    if role == "buyer officer":
        user = with_totp(UserFactory(email="innkjoper2@afk.test"))
        MembershipFactory(
            user=user, organisation=buyer, role=Role.PROCUREMENT_OFFICER, unit=buyer_unit
        )
        return user
    if role == "buyer admin":
        user = with_totp(UserFactory(email="admin@afk.test"))
        MembershipFactory(user=user, organisation=buyer, role=Role.BUYER_ADMIN)
        return user
    if role == "superuser":
        return with_totp(
            UserFactory(email="root@pilotmarked.test", is_superuser=True, is_staff=True)
        )
    return None


@pytest.mark.parametrize("name, method, with_document, with_member", BID_URLS)
@pytest.mark.parametrize(
    "role", ["anonymous", "other supplier", "buyer officer", "buyer admin", "superuser"]
)
def test_every_bid_url_is_404_to_everyone_but_the_bidding_side(
    client, sealed_bid, buyer, buyer_unit, role, name, method, with_document, with_member
):
    url = _url(sealed_bid, name, with_document, with_member)
    actor = _actor(role, buyer, buyer_unit)
    if actor is not None:
        client.force_login(actor)
    refusals = AuditEvent.objects.filter(action="bid.sealed_access_refused").count()

    response = getattr(client, method)(url)

    if actor is None:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    assert response.status_code == 404
    assert b"tilbud.pdf" not in response.content and b"Fjordlys" not in response.content
    assert AuditEvent.objects.filter(action="bid.sealed_access_refused").count() == refusals + 1
    event = AuditEvent.objects.filter(action="bid.sealed_access_refused").latest("pk")
    assert event.actor == actor
    sealed_bid.refresh_from_db()
    assert sealed_bid.status == Bid.Status.SUBMITTED


def test_an_unknown_bid_is_404(client, lead_user):
    client.force_login(lead_user)
    url = reverse(
        "bids:supplier_bid_detail", kwargs={"public_id": "5f0c6d1e-1b8e-4c1f-9d3a-0a0a0a0a0a0a"}
    )
    assert client.get(url).status_code == 404


def test_the_consortium_member_reads_but_does_not_edit(client, sealed_bid):
    client.force_login(sealed_bid.partner_admin)
    assert client.get(_url(sealed_bid, "supplier_bid_detail", False, False)).status_code == 200
    assert client.get(_url(sealed_bid, "supplier_receipt", False, False)).status_code == 200
    assert client.post(_url(sealed_bid, "supplier_withdraw", False, False)).status_code == 404
    assert client.post(_url(sealed_bid, "supplier_new_version", False, False)).status_code == 404


def test_document_download_headers(client, sealed_bid, lead_user):
    client.force_login(lead_user)

    response = client.get(_url(sealed_bid, "supplier_document_download", True, False))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF  # streamed, chunk by chunk
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="tilbud.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"


def test_receipt_page_and_text_download(client, sealed_bid, lead_user, mailoutbox):
    import hashlib

    client.force_login(lead_user)
    digest = hashlib.sha256(MINIMAL_PDF).hexdigest()

    page = client.get(_url(sealed_bid, "supplier_receipt", False, False))
    text = client.get(_url(sealed_bid, "supplier_receipt_download", False, False))

    assert page.status_code == 200
    for body in (page.content.decode(), text.content.decode()):
        assert sealed_bid.receipt_code in body
        assert sealed_bid.content_sha256 in body
        assert digest in body and "tilbud.pdf" in body
        assert sealed_bid.tender.reference in body
        assert sealed_bid.submitted_at.strftime("%Y-%m-%d %H:%M:%S UTC") in body
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    assert text["Content-Disposition"].startswith("attachment;")
    assert "Oslo" in text.content.decode() or "CE" in text.content.decode()
    mails = [m for m in mailoutbox if sealed_bid.receipt_code in m.subject]
    assert {m.to[0] for m in mails} == {lead_user.email}
    assert digest in mails[0].body and "tilbud.pdf" in mails[0].body


def test_the_lead_makes_a_bid_through_the_pages(client, lead, lead_user, mailoutbox):
    # given an open tender with one lot and one requirement
    tender = tender_ready_for_bids(lots=1, requirements=1)
    lot, requirement = tender.lots.get(), tender.requirements.get()
    criterion = tender.criteria.get()
    client.force_login(lead_user)

    # the button on the tender page leads to the start page; starting makes a draft
    start = reverse("bids:supplier_bid_start", kwargs={"reference": tender.reference})
    assert client.get(start).status_code == 200
    response = client.post(start, {"supplier": lead.pk})
    bid = Bid.objects.get(tender=tender, supplier=lead)
    assert response["Location"] == reverse(
        "bids:supplier_bid_edit", kwargs={"public_id": bid.public_id}
    )

    # an incomplete form is saved as a draft; a price without the lot ticked is a field error
    edit = response["Location"]
    page = client.post(
        edit, {f"price_{lot.pk}": "100", "sub-TOTAL_FORMS": "1", "sub-INITIAL_FORMS": "0"}
    )
    assert page.status_code == 400
    assert "Tick the lot" in page.content.decode() or "Kryss av" in page.content.decode()
    response = client.post(
        edit,
        {
            f"lot_{lot.pk}": "on",
            f"price_{lot.pk}": "1250000",
            f"requirement_{requirement.pk}": "Vi har årsregnskap.",
            f"criterion_{criterion.pk}": "Vår løsning er best.",
            "message": "Hilsen Fjordlys",
            "sub-TOTAL_FORMS": "1",
            "sub-INITIAL_FORMS": "0",
            "sub-0-name": "Vei og Data AS",
            "sub-0-org_number": "923609016",
            "sub-0-share_percent": "20",
            "sub-0-work": "Montering",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    # the tender page's button now leads to the bid under way
    again = client.get(start)
    assert again["Location"] == reverse(
        "bids:supplier_bid_detail", kwargs={"public_id": bid.public_id}
    )

    # upload a document, refused and accepted
    documents = reverse("bids:supplier_documents", kwargs={"public_id": bid.public_id})
    refused = client.post(documents, {"file": SimpleUploadedFile("virus.pdf", b"MZ" + b"\0" * 100)})
    assert refused.status_code == 400
    accepted = client.post(documents, {"file": SimpleUploadedFile("tilbud.pdf", MINIMAL_PDF)})
    assert accepted.status_code == 302
    assert "tilbud.pdf" in client.get(documents).content.decode()

    # the overview shows the answers; submit it
    detail = client.get(reverse("bids:supplier_bid_detail", kwargs={"public_id": bid.public_id}))
    assert "Vår løsning er best." in detail.content.decode()
    assert "Vei og Data AS" in detail.content.decode()
    submit = reverse("bids:supplier_submit", kwargs={"public_id": bid.public_id})
    assert client.get(submit).status_code == 200
    response = client.post(submit)
    bid.refresh_from_db()
    assert bid.status == Bid.Status.SUBMITTED
    assert response["Location"] == reverse(
        "bids:supplier_receipt", kwargs={"public_id": bid.public_id}
    )

    # my bids lists it
    listing = client.get(reverse("bids:supplier_bids"))
    assert tender.reference in listing.content.decode()


def test_my_bids_empty_state_and_query_count(client, lead_user, django_assert_max_num_queries):
    client.force_login(lead_user)
    page = client.get(reverse("bids:supplier_bids"))
    assert page.status_code == 200
    assert "Create bid" in page.content.decode() or "Lag tilbud" in page.content.decode()

    for _ in range(3):
        draft_bid(by=lead_user, supplier=lead_user.memberships.first().organisation)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("bids:supplier_bids"))
    assert page.content.decode().count("/tilbud/") >= 3


def test_a_late_submission_through_the_page_is_refused_clearly(client, lead, lead_user):
    import datetime

    from django.utils import timezone

    tender = tender_ready_for_bids(lots=1)
    bid = draft_bid(tender=tender, supplier=lead, by=lead_user)
    # the deadline passes
    tender.submission_deadline = timezone.now() - datetime.timedelta(seconds=1)
    tender.question_deadline = tender.submission_deadline - datetime.timedelta(days=1)
    tender.save(update_fields=["submission_deadline", "question_deadline"])
    client.force_login(lead_user)

    response = client.post(reverse("bids:supplier_submit", kwargs={"public_id": bid.public_id}))

    assert response.status_code == 409  # Conflict: the deadline, not the form
    body = response.content.decode()
    assert "(Oslo time)" in body or "(norsk tid)" in body
    bid.refresh_from_db()
    assert bid.status == Bid.Status.DRAFT


def test_joint_bid_through_the_pages(client, lead, lead_user, django_capture_on_commit_callbacks):
    tender = tender_ready_for_bids(lots=1)
    bid = draft_bid(tender=tender, supplier=lead, by=lead_user)
    partner = SupplierFactory(name="Vei og Data AS")
    partner_admin = supplier_member(partner, email="admin@veiogdata.test")
    url = reverse("bids:supplier_consortium", kwargs={"public_id": bid.public_id})
    client.force_login(lead_user)

    assert client.post(url, {"org_number": "123"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"org_number": partner.org_number}).status_code == 302
    submit = reverse("bids:supplier_submit", kwargs={"public_id": bid.public_id})
    refused = client.post(submit)
    assert refused.status_code == 400 and "Vei og Data AS" in refused.content.decode()

    # the partner reads the summary on its own account and confirms
    client.force_login(partner_admin)
    detail = client.get(reverse("bids:supplier_bid_detail", kwargs={"public_id": bid.public_id}))
    assert detail.status_code == 200 and "Ja." in detail.content.decode()
    assert client.post(url, {"org_number": "923609016"}).status_code == 404  # not the lead
    respond = reverse("bids:supplier_consortium_respond", kwargs={"public_id": bid.public_id})
    assert client.post(respond, {"answer": "confirm"}).status_code == 302
    assert tender.reference in client.get(reverse("bids:supplier_bids")).content.decode()

    client.force_login(lead_user)
    assert client.post(submit).status_code == 302
    bid.refresh_from_db()
    assert bid.status == Bid.Status.SUBMITTED and bid.is_joint


def test_no_joint_bid_form_when_the_tender_forbids_it(client, lead, lead_user):
    tender = tender_ready_for_bids(lots=1, joint_bids_allowed=False, subcontracting_allowed=False)
    bid = draft_bid(tender=tender, supplier=lead, by=lead_user)
    client.force_login(lead_user)

    detail = client.get(reverse("bids:supplier_bid_detail", kwargs={"public_id": bid.public_id}))
    edit = client.get(reverse("bids:supplier_bid_edit", kwargs={"public_id": bid.public_id}))
    consortium = client.get(
        reverse("bids:supplier_consortium", kwargs={"public_id": bid.public_id})
    )

    assert "/konsortium/" not in detail.content.decode()
    assert 'name="sub-TOTAL_FORMS"' not in edit.content.decode()
    assert 'name="org_number"' not in consortium.content.decode()
