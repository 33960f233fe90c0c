"""Questions and answers on a tender, and who follows which need or tender."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.models import Organisation

from .needs import Need
from .tenders import Tender


class QuestionQuerySet(models.QuerySet):
    def published(self) -> QuestionQuerySet:
        return self.filter(published_at__isnull=False)

    def asked_by(self, organisation) -> QuestionQuerySet:
        return self.filter(asked_by_organisation=organisation)


class Question(models.Model):
    """A supplier's clarification question. The answer is published to all, the asker never."""

    tender = models.ForeignKey(
        Tender, on_delete=models.CASCADE, related_name="questions", verbose_name=_("tender")
    )
    number = models.PositiveSmallIntegerField(_("number"), null=True, blank=True)
    asked_by_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="questions_asked",
        verbose_name=_("asked by (organisation)"),
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("asked by"),
    )
    text = models.TextField(_("question"), max_length=5000)
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now, editable=False)
    # The published wording may be edited by the buyer to remove anything identifying.
    published_question = models.TextField(_("question as published"), blank=True, max_length=5000)
    answer = models.TextField(_("answer"), blank=True, max_length=10000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["tender", "asked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "number"],
                condition=Q(number__isnull=False),
                name="question_number_per_tender",
            )
        ]

    def __str__(self) -> str:
        return f"{self.tender.reference} Q{self.number or '?'}"

    def policy_scope(self):
        """The buyer manages questions on its tenders; the asker reaches its own through queries."""
        return self.tender.policy_scope()


class Follow(models.Model):
    """A person follows a need or a tender and hears about amendments, answers and deadlines."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="follows",
        verbose_name=_("user"),
    )
    need = models.ForeignKey(
        Need, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    tender = models.ForeignKey(
        Tender, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=Q(need__isnull=True, tender__isnull=False)
                | Q(need__isnull=False, tender__isnull=True),
                name="follow_exactly_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "tender"],
                condition=Q(tender__isnull=False),
                name="follow_tender_once",
            ),
            models.UniqueConstraint(
                fields=["user", "need"], condition=Q(need__isnull=False), name="follow_need_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.tender or self.need}"
