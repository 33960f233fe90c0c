"""Suppliers' responses to needs (interest or a solution sketch) and the buyer's invitations.

A sketch is read only by the buyer's people who manage the need and by the supplier that wrote
it; nothing here hands one supplier's response to another.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import DomainError, PermissionDenied
from marketplace.models import NotificationKind, Organisation
from marketplace.policy import Action, user_can
from marketplace.services.audit import audit_record
from marketplace.services.notifications import notify
from marketplace.services.organisations import default_language_path
from tenders.lifecycle import need_is_open
from tenders.models import Need, NeedInvitation, NeedResponse
from tenders.selectors.dialogue import managers_of
from tenders.services.follows import follow
from tenders.services.invitations import invitation_check, invitation_recipients


def need_open_for_responses(need: Need, *, now=None) -> bool:
    return need_is_open(need, now or timezone.now())


def _response_data(response: NeedResponse) -> dict:
    return {
        "need": response.need.slug,
        "supplier": response.supplier.org_number,
        "kind": response.kind,
        "sketch": response.sketch,
    }


@transaction.atomic
def need_respond(
    *, need: Need, organisation: Organisation, kind: str, sketch: str = "", by
) -> NeedResponse:
    """A supplier registers interest in a need or sends a solution sketch (one response per
    supplier; sending again replaces it). Only while the dialogue is open."""
    if not organisation.is_supplier or not user_can(by, Action.BID_PREPARE, organisation):
        raise PermissionDenied(
            _("Only suppliers can respond to needs."), code="response_not_supplier"
        )
    need = Need.objects.select_for_update().get(pk=need.pk)
    if not need_open_for_responses(need):
        raise DomainError(
            _("This need no longer takes responses."), code="response_dialogue_closed"
        )
    sketch = (sketch or "").strip()
    if kind == NeedResponse.Kind.SKETCH and not sketch:
        raise DomainError(
            _("Describe your solution, or register interest only."),
            code="response_sketch_empty",
            field="sketch",
        )
    if kind == NeedResponse.Kind.INTEREST:
        sketch = ""
    response = (
        NeedResponse.objects.select_for_update().filter(need=need, supplier=organisation).first()
    )
    created = response is None
    before = None if created else _response_data(response)
    if created:
        response = NeedResponse(need=need, supplier=organisation, created_by=by)
    response.kind = kind
    response.sketch = sketch
    response.full_clean(exclude=["created_by"], validate_constraints=False)
    response.save()
    audit_record(
        actor=by,
        action="need_response.submitted" if created else "need_response.updated",
        obj=response,
        before=before,
        after=_response_data(response),
    )
    follow(user=by, need=need)
    url = default_language_path("tenders:buyer_need_detail", slug=need.slug)
    stamp = response.updated_at.isoformat()
    for manager in managers_of(need, Action.NEED_MANAGE):
        notify(
            recipient=manager,
            kind=NotificationKind.BUYER_ACTIVITY,
            key=f"need_response:{response.pk}:{stamp}",
            template="tenders/notifications/need_response",
            context={"need": need, "supplier_name": organisation.name},
            url=url,
        )
    return response


@transaction.atomic
def need_response_withdraw(*, response: NeedResponse, by) -> None:
    """The supplier takes its response back while the dialogue is open."""
    if not user_can(by, Action.BID_PREPARE, response.supplier):
        raise PermissionDenied(_("You may not withdraw this response."))
    if not need_open_for_responses(response.need):
        raise DomainError(
            _("This need no longer takes responses."), code="response_dialogue_closed"
        )
    audit_record(
        actor=by, action="need_response.withdrawn", obj=response, before=_response_data(response)
    )
    response.delete()


@transaction.atomic
def need_invite(*, need: Need, supplier: Organisation, by, message: str = "") -> NeedInvitation:
    """The buyer invites a supplier to the dialogue; its people are told (once)."""
    if not user_can(by, Action.NEED_MANAGE, need):
        raise PermissionDenied(_("You may not manage needs in this service area."))
    not_open = DomainError(
        _("Publish the need before inviting suppliers."), code="invitation_need_not_open"
    )
    invitation_check(
        supplier=supplier,
        not_open=None if need.status == Need.Status.OPEN else not_open,
        invited=NeedInvitation.objects.filter(need=need),
    )
    invitation = NeedInvitation(
        need=need, supplier=supplier, invited_by=by, message=(message or "").strip()
    )
    invitation.full_clean(validate_constraints=False)
    invitation.save()
    audit_record(
        actor=by,
        action="need_invitation.created",
        obj=invitation,
        after={"need": need.slug, "supplier": supplier.org_number, "message": invitation.message},
    )
    url = default_language_path("tenders:need_detail", slug=need.slug)
    for person in invitation_recipients(supplier):
        notify(
            recipient=person,
            kind=NotificationKind.DIALOGUE_INVITATION,
            key=f"need_invitation:{invitation.pk}",
            template="tenders/notifications/need_invitation",
            context={
                "need": need,
                "buyer_name": need.buyer.name,
                "supplier_name": supplier.name,
                "message": invitation.message,
            },
            url=url,
        )
    return invitation


__all__ = ["need_invite", "need_open_for_responses", "need_respond", "need_response_withdraw"]
