"""The receipt of a submitted bid (Annex IV a): tender, version, the server's time in UTC and in
Oslo time, the content's SHA-256, each document's name, size and SHA-256, each ESPD response's
organisation, role and SHA-256 (``bids.espd.integrity``), and the receipt number.

Shown as a page, downloaded as plain text, and e-mailed to the submitter and the lead supplier's
administrators. The e-mail goes straight to the mail server and is not kept in the site's inbox:
document names are sealed, and a stored notification would put them in the database in plain
text. It travels through the outbox (``marketplace.outbox``): a row written with the submission,
then one row per recipient, each retried on its own until sent or dead-lettered.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation

from bids.espd.integrity import ReceiptLine, receipt_lines
from bids.models import Bid
from bids.services import sealing
from marketplace.formatting import format_datetime, to_oslo
from marketplace.outbox import outbox_enqueue, outbox_handler
from marketplace.selectors.organisations import admins_of
from marketplace.services.notifications import render_text

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReceiptDocument:
    name: str
    title: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Receipt:
    receipt_code: str
    tender_reference: str
    tender_title: str
    supplier: str
    version: int
    submitted_at_utc: datetime.datetime
    submitted_at_oslo: datetime.datetime
    content_sha256: str
    documents: list[ReceiptDocument]
    consortium: list[str]
    espd: list[ReceiptLine]

    @property
    def utc_text(self) -> str:
        return self.submitted_at_utc.strftime("%Y-%m-%d %H:%M:%S UTC")

    @property
    def oslo_text(self) -> str:
        return format_datetime(self.submitted_at_oslo, seconds=True)


def receipt_for(bid: Bid) -> Receipt:
    """The receipt of a submitted (or since replaced or withdrawn) bid. Callers have passed the
    seal's check: the document names are read from the sealed metadata."""
    if bid.submitted_at is None:
        raise ValueError("A bid that was never submitted has no receipt.")
    key = sealing.data_key(bid)
    documents = []
    for document in bid.documents.all():
        meta = sealing.unseal_document_meta(document, key=key)
        documents.append(
            ReceiptDocument(
                name=meta.get("name", ""),
                title=meta.get("title", ""),
                size=document.size,
                sha256=document.sha256,
            )
        )
    submitted = bid.submitted_at.astimezone(datetime.UTC)
    return Receipt(
        receipt_code=bid.receipt_code or "",
        tender_reference=bid.tender.reference,
        tender_title=bid.tender.title,
        supplier=bid.supplier.name,
        version=bid.version,
        submitted_at_utc=submitted,
        submitted_at_oslo=to_oslo(submitted),
        content_sha256=bid.content_sha256,
        documents=documents,
        consortium=[
            member.organisation.name if member.organisation_id else member.org_number
            for member in bid.consortium_members.select_related("organisation")
        ],
        espd=receipt_lines(bid),
    )


def receipt_text(bid: Bid) -> str:
    """The receipt as plain text (the download and the e-mail body), in the active language."""
    return render_text("bids/supplier/receipt.txt", {"receipt": receipt_for(bid)})


def _receipt_recipients(bid: Bid) -> list:
    """The submitter and the lead supplier's administrators who can receive e-mail."""
    recipients = {user.pk: user for user in admins_of(bid.supplier)}
    if bid.submitted_by is not None:
        recipients[bid.submitted_by.pk] = bid.submitted_by
    return [user for user in recipients.values() if user.email and user.is_active]


def _receipt_message(bid: Bid, user) -> EmailMessage:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        receipt = receipt_for(bid)
        subject = render_text(
            "bids/notifications/supplier_receipt_subject.txt", {"receipt": receipt}
        )
        body = render_text("bids/supplier/receipt.txt", {"receipt": receipt})
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[user.email])


def _bid(bid_id: int) -> Bid:
    return Bid.objects.select_related("tender", "supplier", "submitted_by").get(pk=bid_id)


@outbox_handler
def receipt_deliver(*, bid_id: int) -> None:
    """Outbox handler: one e-mail row per recipient, each sent (and retried) on its own."""
    bid = _bid(bid_id)
    for user in _receipt_recipients(bid):
        outbox_enqueue(
            handler=receipt_email_deliver,
            payload={"bid_id": bid_id, "user_id": user.pk, "version": bid.version},
            key=f"bids:receipt:{bid_id}:v{bid.version}:{user.pk}",
        )


@outbox_handler
def receipt_email_deliver(*, bid_id: int, user_id: int, version: int) -> None:
    """Outbox handler: e-mail one person the receipt. An SMTP error raises, so the outbox
    retries it (backoff, then the dead-letter list); the bid itself is committed already and
    the receipt page and download prove it meanwhile."""
    bid = _bid(bid_id)
    user = next((u for u in _receipt_recipients(bid) if u.pk == user_id), None)
    if user is None:
        return
    try:
        _receipt_message(bid, user).send()
    except (SMTPException, OSError):
        logger.warning("The receipt of bid %s could not be e-mailed yet", bid.public_id)
        raise


def receipt_send_on_commit(bid: Bid) -> None:
    """Write the receipt's outbox row with the submission; it is e-mailed after the commit."""
    outbox_enqueue(
        handler=receipt_deliver,
        payload={"bid_id": bid.pk},
        key=f"bids:receipt:{bid.pk}:v{bid.version}",
    )
