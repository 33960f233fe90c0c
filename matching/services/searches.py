"""Writes of matching: saved searches, invitations from a match list, looking for partners."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.errors import DomainError, PermissionDenied
from marketplace.models import NotificationKind, Organisation
from marketplace.policy import Action, user_can
from marketplace.services.audit import audit_record
from marketplace.services.notifications import notify
from marketplace.services.organisations import default_language_path
from marketplace.task_names import task_named
from matching import percolator_index
from matching.models import MatchInvitation, PartnerInterest, SavedSearch
from tenders.models import Lot, Tender
from tenders.selectors.dialogue import SUPPLIER_ACTING_ROLES
from tenders.services.invitations import invitation_check

SEARCH_FIELDS = (
    "name",
    "text",
    "use_profile",
    "value_min",
    "value_max",
    "smb_lots_only",
    "pilots_only",
)


def _search_data(search: SavedSearch) -> dict:
    return {
        "name": search.name,
        "text": search.text,
        "use_profile": search.use_profile,
        "cpv_codes": sorted(search.cpv_codes.values_list("code", flat=True)),
        "municipalities": sorted(search.municipalities.values_list("number", flat=True)),
        "counties": sorted(search.counties.values_list("number", flat=True)),
        "value_min": str(search.value_min) if search.value_min is not None else None,
        "value_max": str(search.value_max) if search.value_max is not None else None,
        "smb_lots_only": search.smb_lots_only,
        "pilots_only": search.pilots_only,
    }


def _percolator_sync_on_commit(search_ids: list[int]) -> None:
    """On Elasticsearch, keep the percolator index of saved searches true after commit."""
    if percolator_index.uses_percolator():
        ids = list(search_ids)
        percolator_sync = task_named("matching.percolator_sync")  # matching.tasks
        # robust: Elasticsearch being down must not fail the request; the task retries, and
        # the fan-out falls back to the SQL prefilter meanwhile.
        transaction.on_commit(lambda: percolator_sync.delay(ids), robust=True)


@transaction.atomic
def saved_search_create(
    *,
    organisation: Organisation,
    by,
    cpv_codes=(),
    municipalities=(),
    counties=(),
    **fields,
) -> SavedSearch:
    """Save a search for ``organisation``; its owner (``by``) gets the alerts."""
    if not organisation.is_supplier or not user_can(by, Action.BID_PREPARE, organisation):
        raise PermissionDenied(_("You may not save searches for this organisation."))
    unknown = set(fields) - set(SEARCH_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    search = SavedSearch(organisation=organisation, created_by=by, **fields)
    search.text = " ".join((search.text or "").split())
    search.full_clean()
    if (
        search.value_min is not None
        and search.value_max is not None
        and search.value_min > search.value_max
    ):
        raise DomainError(
            _("The lowest value cannot be above the highest."),
            code="saved_search_value_range",
            field="value_max",
        )
    if not (search.use_profile or search.text or cpv_codes or municipalities or counties):
        raise DomainError(
            _("Give some words, a CPV code or a place, or use your profile."),
            code="saved_search_empty",
        )
    search.save()
    search.cpv_codes.set(cpv_codes)
    search.municipalities.set(municipalities)
    search.counties.set(counties)
    audit_record(actor=by, action="saved_search.created", obj=search, after=_search_data(search))
    _percolator_sync_on_commit([search.pk])
    return search


@transaction.atomic
def saved_search_delete(*, search: SavedSearch, by) -> None:
    if not user_can(by, Action.BID_PREPARE, search):
        raise PermissionDenied(_("You may not change this search."))
    audit_record(actor=by, action="saved_search.deleted", obj=search, before=_search_data(search))
    _percolator_sync_on_commit([search.pk])
    search.delete()


@transaction.atomic
def tender_invite_matched(
    *, tender: Tender, supplier: Organisation, by, explanation: str = ""
) -> MatchInvitation:
    """The buyer invites a matched supplier to look at an open tender; its people are told once."""
    if not user_can(by, Action.TENDER_MANAGE, tender):
        raise PermissionDenied(_("You may not manage this tender."))
    not_open = None
    if tender.status != Tender.Status.PUBLISHED:
        not_open = DomainError(
            _("Publish the tender before inviting suppliers."), code="invitation_tender_not_open"
        )
    invitation_check(
        supplier=supplier,
        not_open=not_open,
        invited=MatchInvitation.objects.filter(tender=tender),
    )
    invitation = MatchInvitation.objects.create(
        tender=tender, supplier=supplier, invited_by=by, explanation=explanation[:2000]
    )
    audit_record(
        actor=by,
        action="match_invitation.created",
        obj=invitation,
        after={"tender": tender.reference, "supplier": supplier.org_number},
    )
    url = default_language_path("tenders:tender_detail", reference=tender.reference)
    users = {
        membership.user
        for membership in supplier.memberships.filter(
            role__in=SUPPLIER_ACTING_ROLES, user__is_active=True
        ).select_related("user")
    }
    for user in sorted(users, key=lambda u: u.pk):
        notify(
            recipient=user,
            kind=NotificationKind.DIALOGUE_INVITATION,
            key=f"match_invitation:{invitation.pk}",
            template="matching/notifications/tender_invitation",
            context={
                "tender": tender,
                "buyer_name": tender.buyer.name if tender.buyer else tender.buyer_name,
                "supplier_name": supplier.name,
            },
            url=url,
        )
    return invitation


@transaction.atomic
def partner_interest_set(
    *, lot: Lot, supplier: Organisation, by, looking: bool, note: str = ""
) -> PartnerInterest | None:
    """Mark (or unmark) ``supplier`` as looking for partners on ``lot``."""
    if not supplier.is_supplier or not user_can(by, Action.BID_PREPARE, supplier):
        raise PermissionDenied(_("You may not speak for this supplier."))
    if lot.tender.status != Tender.Status.PUBLISHED:
        raise DomainError(_("This tender is not open for bids."), code="partners_tender_not_open")
    if not lot.tender.joint_bids_allowed:
        raise DomainError(
            _("This tender does not allow joint bids."), code="partners_joint_bids_not_allowed"
        )
    existing = PartnerInterest.objects.filter(lot=lot, supplier=supplier).first()
    if not looking:
        if existing is not None:
            audit_record(actor=by, action="partner_interest.removed", obj=existing)
            existing.delete()
        return None
    note = " ".join((note or "").split())[:500]
    if existing is None:
        existing = PartnerInterest.objects.create(
            lot=lot, supplier=supplier, note=note, created_by=by
        )
        audit_record(
            actor=by, action="partner_interest.created", obj=existing, after={"note": note}
        )
    elif existing.note != note:
        before = existing.note
        existing.note = note
        existing.save(update_fields=["note"])
        audit_record(
            actor=by,
            action="partner_interest.updated",
            obj=existing,
            before={"note": before},
            after={"note": note},
        )
    return existing
