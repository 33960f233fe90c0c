"""Award decisions per lot, the standstill period, and the letters to bidders.

An award decision names the winning bid of a lot with reasons and starts the standstill period
(``BID_STANDSTILL_DAYS``); the contract may be signed only after it ends. An un-award withdraws a
decision with a reason: the row stays (status ``withdrawn``) so the history is complete, and a
new decision may then be made for the lot.

Letters are written at award time for every bidder on the lot: the winner's and each
unsuccessful bidder's own scores next to the winner's, kept as they were sent (``content``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenders.models import Lot, Tender

from .bids import Bid


class AwardDecision(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("In force")
        WITHDRAWN = "withdrawn", _("Withdrawn (un-awarded)")

    tender = models.ForeignKey(
        Tender, on_delete=models.PROTECT, related_name="award_decisions", verbose_name=_("tender")
    )
    lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, related_name="award_decisions", verbose_name=_("lot")
    )
    bid = models.ForeignKey(
        Bid, on_delete=models.PROTECT, related_name="award_decisions", verbose_name=_("winning bid")
    )
    reasons = models.TextField(_("reasons"), max_length=10000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    standstill_ends_at = models.DateTimeField(_("standstill period ends"))
    contract_signed_at = models.DateTimeField(_("contract signed at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawing"), max_length=5000, blank=True)

    class Meta:
        verbose_name = _("award decision")
        verbose_name_plural = _("award decisions")
        ordering = ["tender", "lot__number", "-decided_at"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["lot"], condition=Q(status="active"), name="award_one_active_per_lot"
            ),
            models.CheckConstraint(
                condition=Q(status="active") | Q(withdrawn_at__isnull=False),
                name="award_withdrawn_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"award of {self.tender.reference} lot {self.lot.number}"

    def policy_scope(self):
        return self.tender.policy_scope()


class AwardLetter(models.Model):
    """The letter a bidder receives about a lot's award decision, kept as sent."""

    class Kind(models.TextChoices):
        WINNER = "winner", _("Award letter")
        UNSUCCESSFUL = "unsuccessful", _("Letter to unsuccessful bidder")
        WITHDRAWN = "withdrawn", _("Award withdrawn")

    decision = models.ForeignKey(
        AwardDecision, on_delete=models.PROTECT, related_name="letters", verbose_name=_("decision")
    )
    bid = models.ForeignKey(
        Bid, on_delete=models.PROTECT, related_name="award_letters", verbose_name=_("bid")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # Scores of this bid and of the winner per criterion, the reasons, the standstill end.
    content = models.JSONField(_("content"), default=dict)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("award letter")
        verbose_name_plural = _("award letters")
        ordering = ["decision", "kind", "pk"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "bid", "kind"], name="award_letter_once_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.decision})"

    def policy_scope(self):
        return self.bid.policy_scope()
