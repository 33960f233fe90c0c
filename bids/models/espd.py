"""ESPD (European Single Procurement Document): the criteria catalogue, a tender's ESPD request
and each bidding organisation's sealed ESPD response. See ``bids.espd``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.i18n import in_active_language
from marketplace.models import Organisation
from tenders.models import Tender

from .bids import Bid


class EspdCriterion(models.Model):
    """A criterion of the ESPD-EDM taxonomy (exclusion ground, selection criterion or other).

    ``xml`` is the criterion's ``cac:TenderingCriterion`` element from the taxonomy, verbatim:
    the ESPD documents repeat it. Names and descriptions are kept in Bokmål and English.
    """

    class Kind(models.TextChoices):
        EXCLUSION = "exclusion", _("Exclusion ground")
        SELECTION = "selection", _("Selection criterion")
        OTHER = "other", _("Other")

    uuid = models.CharField(_("taxonomy id"), max_length=60, unique=True)
    code = models.CharField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_nb = models.CharField(_("name (Bokmål)"), max_length=300, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_nb = models.TextField(_("description (Bokmål)"), blank=True)
    xml = models.TextField(_("criterion (ESPD-EDM XML)"))
    edm_version = models.CharField(_("ESPD-EDM version"), max_length=10, default="4.1.0")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_default = models.BooleanField(
        _("in the default set"),
        default=False,
        help_text=_("Chosen for a new ESPD request of a county's usual open procedure."),
    )

    class Meta:
        verbose_name = _("ESPD criterion")
        verbose_name_plural = _("ESPD criteria")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"

    @property
    def name(self) -> str:
        return in_active_language(self.name_nb or self.name_en, self.name_en)

    @property
    def description(self) -> str:
        return in_active_language(self.description_nb or self.description_en, self.description_en)


class EspdRequest(models.Model):
    """The buyer's ESPD request on an above-threshold tender: the criteria bidders answer."""

    tender = models.OneToOneField(
        Tender, on_delete=models.CASCADE, related_name="espd_request", verbose_name=_("tender")
    )
    criteria = models.ManyToManyField(
        EspdCriterion, related_name="+", verbose_name=_("exclusion grounds and selection criteria")
    )
    # What the buyer requires on the chosen selection criteria (a minimum turnover, a number of
    # references, a requirement in words), by the taxonomy's property id (bids.espd.requirements).
    requirements = models.JSONField(_("requirements"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("ESPD request")
        verbose_name_plural = _("ESPD requests")

    def __str__(self) -> str:
        return f"ESPD request of {self.tender.reference}"

    def policy_scope(self):
        return self.tender.policy_scope()


class EspdResponse(models.Model):
    """One organisation's ESPD response in a bid: the lead supplier's, or a consortium member's.

    The answers and the organisation's details are sealed under the bid's data key
    (``bids.services.sealing.seal_espd``); the row keeps in plain text only whether the answers
    are complete, which the submission check needs, when they were saved, and, once submitted,
    the SHA-256 the receipt prints.
    """

    class Role(models.TextChoices):
        SOLE = "sole-tenderer", _("Sole tenderer")
        LEAD = "group-lead", _("Leader of a group of economic operators")
        MEMBER = "group-mem", _("Member of a group of economic operators")

    bid = models.ForeignKey(
        Bid, on_delete=models.CASCADE, related_name="espd_responses", verbose_name=_("bid")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    sealed_answers = models.BinaryField(_("sealed answers"), editable=False)
    is_complete = models.BooleanField(_("complete"), default=False)
    # SHA-256 of the response's canonical plaintext (``bids.espd.integrity``), stamped when it is
    # sealed into a submitted bid: at submission, or when the buyer records one after opening.
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    imported = models.BooleanField(_("imported from an ESPD XML file"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("ESPD response")
        verbose_name_plural = _("ESPD responses")
        ordering = ["bid", "pk"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "organisation"], name="espd_response_once_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"ESPD response {self.pk} of bid {self.bid.public_id}"

    def policy_scope(self):
        return self.bid.policy_scope()

    @property
    def aad(self) -> bytes:
        return self.bid.aad + f"|espd:{self.organisation_id}".encode()
