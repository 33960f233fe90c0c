"""Organisations (buyers and suppliers), their units, memberships and invitations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.i18n import in_active_language
from marketplace.validators import format_org_number, validate_org_number


class OrganisationQuerySet(models.QuerySet):
    def buyers(self) -> OrganisationQuerySet:
        return self.filter(kind=Organisation.Kind.BUYER)

    def suppliers(self) -> OrganisationQuerySet:
        return self.filter(kind=Organisation.Kind.SUPPLIER)

    def for_member(self, user) -> OrganisationQuerySet:
        """Organisations the user belongs to. Anonymous users belong to none."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(memberships__user=user).distinct()


class VerificationSource(models.TextChoices):
    ADMIN = "admin", _("Site administrator")
    REGISTRY = "registry", _("Brønnøysund Register Centre")
    SEED = "seed", _("Demo data")


class Organisation(models.Model):
    """A legal entity identified by its Norwegian organisation number.

    A buyer (the county, later a municipality) has units; a supplier is a firm.
    """

    class Kind(models.TextChoices):
        BUYER = "buyer", _("Buyer")
        SUPPLIER = "supplier", _("Supplier")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    org_number = models.CharField(
        _("organisation number"),
        max_length=9,
        unique=True,
        validators=[validate_org_number],
        help_text=_("Nine digits, as in the Brønnøysund Register Centre."),
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    # Registered by someone from the site with a number nobody had claimed: unverified (and
    # marked so to buyers) until site staff or a registry check confirms it. See
    # marketplace.services.verification.
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verification_source = models.CharField(
        _("verified through"),
        max_length=10,
        choices=VerificationSource.choices,
        blank=True,
        editable=False,
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def org_number_display(self) -> str:
        return format_org_number(self.org_number)

    def policy_scope(self):
        return self, None

    @property
    def is_buyer(self) -> bool:
        return self.kind == self.Kind.BUYER

    @property
    def is_supplier(self) -> bool:
        return self.kind == self.Kind.SUPPLIER


class OrganisationUnit(models.Model):
    """A unit of a buyer, e.g. a county service area ("tjenesteområde")."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="units", verbose_name=_("organisation")
    )
    name = models.CharField(_("name (Bokmål)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=80)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="unit_slug_per_org")
        ]

    def __str__(self) -> str:
        return self.display_name

    def policy_scope(self):
        return self.organisation, self

    @property
    def display_name(self) -> str:
        return in_active_language(self.name, self.name_en)


class Role(models.TextChoices):
    """What a person may do in an organisation. Buyer roles may be limited to one unit."""

    SUPPLIER_ADMIN = "supplier_admin", _("Supplier administrator")
    SUPPLIER_MEMBER = "supplier_member", _("Supplier member")
    BUYER_ADMIN = "buyer_admin", _("Buyer administrator")
    PROCUREMENT_OFFICER = "procurement_officer", _("Procurement officer")
    NEED_OWNER = "need_owner", _("Need owner")
    EVALUATOR = "evaluator", _("Evaluator")
    BID_OPENER = "bid_opener", _("Bid opener")

    @classmethod
    def for_kind(cls, kind: str) -> list[Role]:
        if kind == Organisation.Kind.SUPPLIER:
            return [cls.SUPPLIER_ADMIN, cls.SUPPLIER_MEMBER]
        return [
            cls.BUYER_ADMIN,
            cls.PROCUREMENT_OFFICER,
            cls.NEED_OWNER,
            cls.EVALUATOR,
            cls.BID_OPENER,
        ]

    @classmethod
    def admin_role_for(cls, kind: str) -> Role:
        return cls.SUPPLIER_ADMIN if kind == Organisation.Kind.SUPPLIER else cls.BUYER_ADMIN


BUYER_ROLES = frozenset(Role.for_kind(Organisation.Kind.BUYER))
SUPPLIER_ROLES = frozenset(Role.for_kind(Organisation.Kind.SUPPLIER))
ADMIN_ROLES = frozenset({Role.SUPPLIER_ADMIN, Role.BUYER_ADMIN})


class MembershipQuerySet(models.QuerySet):
    def for_user(self, user) -> MembershipQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def buyer_roles(self) -> MembershipQuerySet:
        return self.filter(role__in=BUYER_ROLES)


class Membership(models.Model):
    """A person's role in an organisation; a buyer role may be limited to one unit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(
        OrganisationUnit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("unit"),
        help_text=_("Leave empty for the whole organisation."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "user__email", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role", "unit"],
                name="membership_unique_with_unit",
            ),
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(unit__isnull=True),
                name="membership_unique_whole_org",
            ),
            # An administrator manages the whole organisation, never one unit of it.
            models.CheckConstraint(
                condition=~Q(role__in=["supplier_admin", "buyer_admin"]) | Q(unit__isnull=True),
                name="membership_admin_has_no_unit",
                violation_error_message=_(
                    "An administrator manages the whole organisation. Leave the unit empty."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An e-mailed invitation to join an organisation with a role; only the token hash is kept."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(
        OrganisationUnit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("unit"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class AccessRequest(models.Model):
    """Someone asked to join an organisation that is already registered.

    They get no access; the organisation's administrators are told and may invite them.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="access_requests",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="access_requests",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(handled_at__isnull=True),
                name="one_open_access_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"
