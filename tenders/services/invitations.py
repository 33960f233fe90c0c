"""What every invitation of a supplier shares, whatever it is invited to (a need's dialogue, a
matched tender): the guards on the supplier and the people who are told.

The caller checks its own permission and says whether its need or tender takes invitations (the
message names which); ``invitation_check`` refuses a non-supplier, a closed need or tender and a
second invitation, and ``invitation_recipients`` are the people who may speak for the supplier,
each told once. ``matching`` invites to tenders with the same two.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from marketplace.errors import DomainError
from marketplace.models import Organisation, User
from marketplace.policy import Action, people_who_can


def invitation_check(
    *, supplier: Organisation, not_open: DomainError | None, invited: QuerySet
) -> None:
    """Refuse, in this order: an organisation that is not a supplier; a need or tender that
    takes no invitations (``not_open``, the caller's refusal, or ``None``); a supplier already
    among ``invited`` (the invitations of the need or tender)."""
    if not supplier.is_supplier:
        raise DomainError(
            _("Only suppliers can be invited."), code="invitation_not_supplier", field="supplier"
        )
    if not_open is not None:
        raise not_open
    if invited.filter(supplier=supplier).exists():
        raise DomainError(
            _("%(supplier)s is already invited.") % {"supplier": supplier.name},
            code="invitation_exists",
            field="supplier",
        )


def invitation_recipients(supplier: Organisation) -> QuerySet[User]:
    """The active people who may speak for ``supplier``, by id: each is told once."""
    return people_who_can(Action.BID_PREPARE, supplier)
