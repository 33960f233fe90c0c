"""Bids, their sealed documents, consortium members, and the tender's opening.

What a bid says (lots and prices, answers to each requirement and criterion, subcontractors,
document names) is kept only sealed: ``Bid.sealed_content`` and each document's file and
``sealed_meta`` are AES-GCM ciphertexts under the bid's own data key (``bids.crypto``). The row
keeps in plain text only what the system itself needs to enforce the rules: which tender, which
lead supplier, the status and times, sizes and hashes.

Reading sealed content goes through ``bids.services.sealing``, which refuses anyone but the
bidding organisation before the tender is opened and audits every read.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.clamd import ScanStatus
from marketplace.clamd import is_available as is_scan_available
from marketplace.models import Organisation
from marketplace.validators import validate_org_number
from tenders.models import Tender
from tenders.storage import private_document_storage


class BidQuerySet(models.QuerySet):
    def for_supplier(self, organisation) -> BidQuerySet:
        """Bids an organisation leads or has been invited to join as a consortium member."""
        return self.filter(
            Q(supplier=organisation) | Q(consortium_members__organisation=organisation)
        ).distinct()

    def submitted(self) -> BidQuerySet:
        return self.filter(status=Bid.Status.SUBMITTED)


class Bid(models.Model):
    """One version of a supplier's bid on a tender.

    draft → submitted → withdrawn | replaced (by a newer version) — all before the deadline;
    after it, a submitted bid is frozen. At most one draft and one submitted version per tender
    and lead supplier.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REPLACED = "replaced", _("Replaced by a newer version")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    tender = models.ForeignKey(
        Tender, on_delete=models.PROTECT, related_name="bids", verbose_name=_("tender")
    )
    supplier = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="bids",
        verbose_name=_("lead supplier"),
        limit_choices_to={"kind": Organisation.Kind.SUPPLIER},
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        verbose_name=_("replaces version"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    is_joint = models.BooleanField(_("joint bid"), default=False)
    # Sealing: the data key wrapped by the KEK named kek_id; the content sealed by the data key.
    kek_id = models.CharField(_("key-encryption key id"), max_length=40, editable=False)
    wrapped_key = models.BinaryField(_("wrapped data key"), editable=False)
    sealed_content = models.BinaryField(_("sealed content"), editable=False)
    # SHA-256 of the content's canonical JSON at submission, printed on the receipt.
    content_sha256 = models.CharField(_("content SHA-256"), max_length=64, blank=True)
    # The ESPD responses as submitted, printed on the receipt with the content's hash: one entry
    # per answering organisation, {"organisation": pk, "org_number", "role", "sha256"}
    # (``bids.espd.integrity``). Empty for a bid without ESPD.
    espd_receipt = models.JSONField(
        _("ESPD responses on the receipt"), default=list, blank=True, editable=False
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at (UTC)"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    receipt_code = models.CharField(
        _("receipt number"), max_length=40, unique=True, null=True, blank=True
    )

    objects = BidQuerySet.as_manager()

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ["tender", "supplier", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "supplier", "version"], name="bid_version_unique"
            ),
            models.UniqueConstraint(
                fields=["tender", "supplier"],
                condition=Q(status="draft"),
                name="bid_one_draft_per_supplier",
            ),
            models.UniqueConstraint(
                fields=["tender", "supplier"],
                condition=Q(status="submitted"),
                name="bid_one_submitted_per_supplier",
            ),
        ]
        # No default permissions: the Django admin must not offer to read or change bids.
        default_permissions = ()

    def __str__(self) -> str:
        # Never the content; the supplier's name only with the bid's own page.
        return f"{self.tender.reference} bid {self.public_id}"

    def policy_scope(self):
        return self.supplier, None

    @property
    def aad(self) -> bytes:
        return f"bid:{self.public_id}".encode()


def bid_document_path(instance: BidDocument, filename: str) -> str:
    # No trace of the original name or the supplier: only random ids.
    return f"bids/{instance.bid.public_id}/{instance.public_id}.sealed"


class BidDocument(models.Model):
    """A document of a bid, stored encrypted under the bid's data key.

    ``sealed_meta`` holds the file name and title; ``sha256`` is the hash of the plaintext,
    printed on the receipt so the supplier can prove what it sent.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    bid = models.ForeignKey(
        Bid, on_delete=models.CASCADE, related_name="documents", verbose_name=_("bid")
    )
    file = models.FileField(
        _("file"), upload_to=bid_document_path, storage=private_document_storage, max_length=200
    )
    sealed_meta = models.BinaryField(_("sealed name and title"), editable=False)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)
    # Virus scanning (marketplace/clamd.py): only "unscanned" and "clean" files are available.
    scan_status = models.CharField(
        _("virus scan"),
        max_length=10,
        choices=ScanStatus.choices,
        default=ScanStatus.UNSCANNED,
        db_index=True,
    )
    scanned_at = models.DateTimeField(_("scanned at"), null=True, blank=True, editable=False)
    scan_result = models.CharField(_("scan result"), max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("bid document")
        verbose_name_plural = _("bid documents")
        ordering = ["bid", "uploaded_at", "pk"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"document {self.public_id}"

    @property
    def is_available(self) -> bool:
        """Downloadable and submittable: not waiting for, or stopped by, the virus scan."""
        return is_scan_available(self.scan_status)

    def policy_scope(self):
        return self.bid.policy_scope()

    @property
    def aad(self) -> bytes:
        return self.bid.aad + f"|doc:{self.public_id}".encode()


class ConsortiumMember(models.Model):
    """An organisation the lead supplier invited into a joint bid. Each member confirms from its
    own account before the bid can be submitted."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    bid = models.ForeignKey(
        Bid, on_delete=models.CASCADE, related_name="consortium_members", verbose_name=_("bid")
    )
    org_number = models.CharField(
        _("organisation number"), max_length=9, validators=[validate_org_number]
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consortium_memberships",
        verbose_name=_("organisation"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.INVITED
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now, editable=False)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consortium member")
        verbose_name_plural = _("consortium members")
        ordering = ["bid", "invited_at", "pk"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "org_number"], name="consortium_member_once_per_bid"
            )
        ]

    def __str__(self) -> str:
        return f"consortium member {self.org_number}"

    def policy_scope(self):
        return self.bid.policy_scope()


class TenderOpening(models.Model):
    """The opening of a tender's bids (Annex IV c, e): only after the deadline, only by a holder
    of the opener role for the buyer unit; with two-person opening, a second opener confirms.

    ``protocol`` is the opening protocol frozen at the moment of opening: bidders, lots, prices,
    document counts and hashes. ``protocol_sha256`` is printed with it.
    """

    tender = models.OneToOneField(
        Tender, on_delete=models.PROTECT, related_name="opening", verbose_name=_("tender")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    requested_at = models.DateTimeField(_("opening started at"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by (second opener)"),
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    protocol = models.JSONField(_("opening protocol"), default=dict, blank=True)
    protocol_sha256 = models.CharField(_("protocol SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("opening")
        verbose_name_plural = _("openings")
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=models.F("requested_by")),
                name="opening_second_opener_differs",
            )
        ]

    def __str__(self) -> str:
        return f"opening of {self.tender.reference}"

    def policy_scope(self):
        return self.tender.policy_scope()

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None
