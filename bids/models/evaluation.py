"""Evaluation after opening: assigned evaluators, the qualification check, scores and consensus.

Scores are 0–10 per (bid, lot, criterion); each evaluator scores alone, then the consensus step
fixes one score per (bid, lot, criterion) with a rationale. Weighted totals per lot are computed
from the consensus scores and the tender's criterion weights (``bids.selectors.evaluation``).
Every change of a score is an audit event.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenders.models import Criterion, Lot, Tender

from .bids import Bid

POINTS_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))]


class EvaluatorAssignment(models.Model):
    """A user who may evaluate this tender. Evaluators see only tenders they are assigned to."""

    tender = models.ForeignKey(
        Tender,
        on_delete=models.CASCADE,
        related_name="evaluator_assignments",
        verbose_name=_("tender"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="evaluator_assignments",
        verbose_name=_("evaluator"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("evaluator assignment")
        verbose_name_plural = _("evaluator assignments")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["tender", "user"], name="evaluator_once_per_tender")
        ]

    def __str__(self) -> str:
        return f"{self.user} evaluates {self.tender.reference}"

    def policy_scope(self):
        return self.tender.policy_scope()


class QualificationAssessment(models.Model):
    """Whether a bidder meets the qualification requirements; a rejected bid is not scored."""

    class Result(models.TextChoices):
        QUALIFIED = "qualified", _("Qualified")
        REJECTED = "rejected", _("Rejected")

    bid = models.OneToOneField(
        Bid, on_delete=models.CASCADE, related_name="qualification", verbose_name=_("bid")
    )
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    reason = models.TextField(_("reason"), max_length=5000, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    assessed_at = models.DateTimeField(_("assessed at"), default=timezone.now)

    class Meta:
        verbose_name = _("qualification assessment")
        verbose_name_plural = _("qualification assessments")
        default_permissions = ()

    def __str__(self) -> str:
        return f"qualification of {self.bid}"

    def policy_scope(self):
        return self.bid.tender.policy_scope()


class Score(models.Model):
    """One evaluator's score of one criterion for one lot of one bid."""

    bid = models.ForeignKey(
        Bid, on_delete=models.CASCADE, related_name="scores", verbose_name=_("bid")
    )
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="+", verbose_name=_("lot"))
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="+", verbose_name=_("criterion")
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("evaluator"),
    )
    points = models.DecimalField(
        _("points (0–10)"), max_digits=4, decimal_places=2, validators=POINTS_VALIDATORS
    )
    comment = models.TextField(_("comment"), max_length=5000, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "lot", "criterion", "evaluator"], name="score_once_per_evaluator"
            ),
            models.CheckConstraint(
                condition=models.Q(points__gte=0, points__lte=10), name="score_points_range"
            ),
        ]

    def __str__(self) -> str:
        return f"score {self.points} on {self.criterion_id}"

    def policy_scope(self):
        return self.bid.tender.policy_scope()


class ConsensusScore(models.Model):
    """The agreed score of one criterion for one lot of one bid, with the rationale."""

    bid = models.ForeignKey(
        Bid, on_delete=models.CASCADE, related_name="consensus_scores", verbose_name=_("bid")
    )
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="+", verbose_name=_("lot"))
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="+", verbose_name=_("criterion")
    )
    points = models.DecimalField(
        _("points (0–10)"), max_digits=4, decimal_places=2, validators=POINTS_VALIDATORS
    )
    rationale = models.TextField(_("rationale"), max_length=5000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("consensus score")
        verbose_name_plural = _("consensus scores")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "lot", "criterion"], name="consensus_once_per_criterion"
            ),
            models.CheckConstraint(
                condition=models.Q(points__gte=0, points__lte=10), name="consensus_points_range"
            ),
        ]

    def __str__(self) -> str:
        return f"consensus {self.points} on {self.criterion_id}"

    def policy_scope(self):
        return self.bid.tender.policy_scope()
