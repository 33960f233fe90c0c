"""Test arenas: places where pilots can run (schools, roads, clinics, research facilities)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.i18n import in_active_language
from marketplace.models import Municipality, Organisation, OrganisationUnit


class TestArenaQuerySet(models.QuerySet):
    def published(self) -> TestArenaQuerySet:
        return self.filter(is_published=True)


class TestArena(models.Model):
    class Kind(models.TextChoices):
        SCHOOL = "school", _("School")
        ROAD = "road", _("Road or transport")
        HEALTH = "health", _("Dental clinic or health service")
        BUILDING = "building", _("Building or property")
        RESEARCH = "research", _("Research test facility")
        OTHER = "other", _("Other")

    __test__ = False  # not a pytest test class, whatever its name says

    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="test_arenas",
        verbose_name=_("owner"),
        limit_choices_to={"kind": Organisation.Kind.BUYER},
    )
    unit = models.ForeignKey(
        OrganisationUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="test_arenas",
        verbose_name=_("unit"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name (Bokmål)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description (Bokmål)"), max_length=5000)
    description_en = models.TextField(_("description (English)"), max_length=5000, blank=True)
    suits = models.TextField(_("suits"), max_length=2000, help_text=_("What can be tested here."))
    location = models.CharField(_("location"), max_length=200, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    availability = models.CharField(_("availability"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TestArenaQuerySet.as_manager()

    class Meta:
        verbose_name = _("test arena")
        verbose_name_plural = _("test arenas")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name

    def policy_scope(self):
        return self.owner, self.unit

    @property
    def display_name(self) -> str:
        return in_active_language(self.name, self.name_en)
