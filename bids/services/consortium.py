"""Joint bids: the lead supplier invites organisations by organisation number; each confirms or
declines from its own account. Submission needs every member confirmed (``bids.services.bids``).

An organisation not (yet) registered stays invited by its number and blocks submission until it
registers and confirms, or the lead removes it.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import orgnr

from bids.models import Bid, ConsortiumMember
from bids.services.guards import BidError, lock_bid, require_before_deadline, require_draft
from bids.services.guards import require_prepare as require_lead
from marketplace.errors import InvalidTransition, PermissionDenied
from marketplace.models import NotificationKind, Organisation
from marketplace.policy import Action, user_can
from marketplace.selectors.organisations import admins_of
from marketplace.services.audit import audit_record
from marketplace.services.notifications import notify
from marketplace.services.organisations import default_language_path


def _member_data(member: ConsortiumMember) -> dict:
    return {
        "bid": str(member.bid.public_id),
        "org_number": member.org_number,
        "organisation": member.organisation_id,
        "status": member.status,
    }


def _notify_invited(member: ConsortiumMember) -> None:
    bid = member.bid
    for admin in admins_of(member.organisation):
        notify(
            recipient=admin,
            kind=NotificationKind.BIDS,
            key=f"bid-consortium-invited:{bid.public_id}:{member.organisation_id}",
            template="bids/notifications/supplier_consortium_invited",
            context={
                "lead": bid.supplier.name,
                "reference": bid.tender.reference,
                "title": bid.tender.title,
            },
            url=default_language_path("bids:supplier_bid_detail", public_id=bid.public_id),
        )


def notify_invited_on_commit(bid: Bid) -> None:
    """Tell the admins of every registered invited organisation, once the change commits."""
    members = [m for m in bid.consortium_members.all() if m.organisation_id]
    for member in members:
        transaction.on_commit(lambda member=member: _notify_invited(member))


def _registered_supplier(org_number: str) -> Organisation | None:
    return Organisation.objects.filter(
        org_number=org_number, kind=Organisation.Kind.SUPPLIER
    ).first()


@transaction.atomic
def consortium_invite(
    *, bid: Bid, by, org_number: str, now: datetime.datetime | None = None
) -> ConsortiumMember:
    """Invite an organisation into the joint bid by its organisation number."""
    now = now or timezone.now()
    require_lead(by, bid)
    bid = lock_bid(bid)
    require_draft(bid)
    require_before_deadline(bid.tender, now)
    if not bid.tender.joint_bids_allowed:
        raise BidError(
            _("This tender does not allow joint bids."),
            code="bid_joint_forbidden",
            field="org_number",
        )
    try:
        number = orgnr.validate(org_number)
    except StdnumError:
        raise BidError(
            _("Give a valid organisation number (nine digits)."),
            code="bid_consortium_org_number",
            field="org_number",
        ) from None
    if number == bid.supplier.org_number:
        raise BidError(
            _("Your own organisation leads the bid; invite the others."),
            code="bid_consortium_self",
            field="org_number",
        )
    if bid.consortium_members.filter(org_number=number).exists():
        raise BidError(
            _("This organisation is already invited."),
            code="bid_consortium_duplicate",
            field="org_number",
        )
    member = ConsortiumMember(
        bid=bid, org_number=number, organisation=_registered_supplier(number), invited_by=by
    )
    member.full_clean(exclude=["bid"], validate_constraints=False)
    member.save()
    if not bid.is_joint:
        bid.is_joint = True
        bid.save(update_fields=["is_joint", "updated_at"])
    audit_record(actor=by, action="bid.consortium_invited", obj=bid, after=_member_data(member))
    if member.organisation_id:
        transaction.on_commit(lambda: _notify_invited(member))
    return member


@transaction.atomic
def consortium_remove(
    *, member: ConsortiumMember, by, now: datetime.datetime | None = None
) -> None:
    """The lead takes an invitation back (draft only)."""
    now = now or timezone.now()
    require_lead(by, member.bid)
    bid = lock_bid(member.bid)
    require_draft(bid)
    require_before_deadline(bid.tender, now)
    data = _member_data(member)
    member.delete()
    if not bid.consortium_members.exists():
        bid.is_joint = False
        bid.save(update_fields=["is_joint", "updated_at"])
    audit_record(actor=by, action="bid.consortium_removed", obj=bid, before=data)


def link_registered_members(*, bid: Bid, by) -> int:
    """Link invited numbers whose organisation has registered since; tell its admins.

    Called inside the caller's transaction (submission, the consortium page's action).
    """
    linked = 0
    for member in bid.consortium_members.filter(organisation__isnull=True):
        organisation = _registered_supplier(member.org_number)
        if organisation is None:
            continue
        member.organisation = organisation
        member.save(update_fields=["organisation"])
        audit_record(actor=by, action="bid.consortium_linked", obj=bid, after=_member_data(member))
        transaction.on_commit(lambda member=member: _notify_invited(member))
        linked += 1
    return linked


@transaction.atomic
def consortium_respond(
    *, member: ConsortiumMember, by, accept: bool, now: datetime.datetime | None = None
) -> ConsortiumMember:
    """The invited organisation confirms (or declines) taking part, from its own account."""
    now = now or timezone.now()
    if member.organisation is None or not user_can(by, Action.BID_PREPARE, member.organisation):
        raise PermissionDenied(_("Only the invited organisation can answer this invitation."))
    bid = lock_bid(member.bid)
    member = ConsortiumMember.objects.select_for_update().get(pk=member.pk)
    if bid.status != Bid.Status.DRAFT:
        raise InvalidTransition(
            _("This bid is no longer a draft; the invitation cannot be answered."),
            code="bid_not_draft",
        )
    require_before_deadline(bid.tender, now)
    before = _member_data(member)
    member.status = (
        ConsortiumMember.Status.CONFIRMED if accept else ConsortiumMember.Status.DECLINED
    )
    member.responded_by = by
    member.responded_at = now
    member.save(update_fields=["status", "responded_by", "responded_at"])
    audit_record(
        actor=by,
        action="bid.consortium_confirmed" if accept else "bid.consortium_declined",
        obj=bid,
        organisation=member.organisation,
        before=before,
        after=_member_data(member),
    )
    lead_admins = list(admins_of(bid.supplier))

    def tell_lead():
        for admin in lead_admins:
            notify(
                recipient=admin,
                kind=NotificationKind.BIDS,
                key=f"bid-consortium-answer:{bid.public_id}:{member.pk}:{member.status}",
                template="bids/notifications/supplier_consortium_answered",
                context={
                    "member": member.organisation.name,
                    "accepted": accept,
                    "reference": bid.tender.reference,
                },
                url=default_language_path("bids:supplier_consortium", public_id=bid.public_id),
            )

    transaction.on_commit(tell_lead)
    return member
