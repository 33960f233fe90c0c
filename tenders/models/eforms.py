"""Notices we sent to Doffin: what was sent, Doffin's answer and the notice's status there."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tenders import Tender


class NoticeSubmission(models.Model):
    class Kind(models.TextChoices):
        CONTRACT = "contract", _("Contract notice")
        CHANGE = "change", _("Change notice")
        AWARD = "award", _("Contract award notice")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SUBMITTED = "submitted", _("Received by Doffin")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected by Doffin")
        FAILED = "failed", _("Could not be sent")
        INVALID = "invalid", _("Not sent: the notice is not valid")

    tender = models.ForeignKey(
        Tender,
        on_delete=models.CASCADE,
        related_name="notice_submissions",
        verbose_name=_("tender"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    subtype = models.CharField(_("notice subtype"), max_length=4)
    notice_id = models.CharField(_("notice identifier"), max_length=36)
    version = models.CharField(_("notice version"), max_length=2)
    procedure_id = models.CharField(_("procedure identifier"), max_length=36)
    xml = models.TextField(_("notice (XML)"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    doffin_id = models.CharField(_("Doffin identifier"), max_length=40, blank=True)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    response = models.JSONField(_("Doffin's answer"), default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice sent to Doffin")
        verbose_name_plural = _("notices sent to Doffin")
        ordering = ["tender", "-created_at"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["notice_id", "version"], name="notice_submission_one_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tender.reference} {self.kind} {self.notice_id}-{self.version}"

    def policy_scope(self):
        return self.tender.policy_scope()
