"""The OCDS release store: every release we published, kept as it was published.

A release is written once, when a tender's domain event fires (``tenders.ocds.store``), and never
changed or deleted afterwards: open-data users who downloaded it must find the same document under
the same id. Its id is stable (the ocid, the release's place in the process and its tag), never a
timestamp, and the record's compiled release is merged from these rows by ocdsmerge.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tenders import Tender


class ReleaseImmutableError(ValidationError):
    """A published release is never changed nor deleted."""


class OcdsRelease(models.Model):
    tender = models.ForeignKey(
        Tender, on_delete=models.PROTECT, related_name="ocds_releases", verbose_name=_("tender")
    )
    ocid = models.CharField(_("ocid"), max_length=120, db_index=True)
    release_id = models.CharField(_("release id"), max_length=200, unique=True)
    sequence = models.PositiveIntegerField(_("number in the process"))
    tag = models.CharField(_("tag"), max_length=60)
    date = models.DateTimeField(_("release date"), db_index=True)
    data = models.JSONField(_("release"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("OCDS release")
        verbose_name_plural = _("OCDS releases")
        ordering = ["tender_id", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "sequence"], name="tenders_ocdsrelease_one_per_sequence"
            )
        ]

    def __str__(self) -> str:
        return self.release_id

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ReleaseImmutableError(_("A published OCDS release cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ReleaseImmutableError(_("A published OCDS release cannot be deleted."))
