"""One step of a tender's lifecycle, the way every transition service takes it.

A transition service (``services.tenders``: publish, start evaluation, award, withdraw the award,
cancel; ``services.closing``: close) checks the policy, locks the row, asks ``lifecycle.target``
and checks its own rules, then calls :func:`transition_step`: the new status from the transition
table and the service's fields in one save, the audit event with the status, version and the
transition's time stamp, and the domain event once the change commits.
"""

from __future__ import annotations

from typing import Any

from marketplace.services.audit import audit_record
from tenders import lifecycle
from tenders.domain_events import tender_event_on_commit
from tenders.lifecycle import Transition
from tenders.models import Tender


def status_data(tender: Tender, transition: Transition | None = None) -> dict:
    """What the audit log keeps of a tender's place in its lifecycle (with the time stamp of
    ``transition`` when given)."""
    data = {"status": tender.status, "version": tender.version}
    if transition is not None:
        data[lifecycle.TIMESTAMPS[transition]] = getattr(tender, lifecycle.TIMESTAMPS[transition])
    return data


def transition_step(
    tender: Tender,
    transition: Transition,
    *,
    by,
    action: str,
    event: str,
    fields: dict[str, Any],
    stamped: bool = True,
    note: dict | None = None,
) -> Tender:
    """Take ``transition`` on the locked ``tender`` once its service has asked
    ``lifecycle.target`` and checked its own rules: the new status and ``fields`` in one save,
    the audit event ``action`` (its time stamp recorded when ``stamped``, ``note`` added) and the
    domain ``event`` once the change commits. ``by`` is None when the system acts."""
    before = status_data(tender)
    tender.status = lifecycle.TRANSITIONS[transition][1]
    for name, value in fields.items():
        setattr(tender, name, value)
    tender.save(update_fields=["status", *fields, "updated_at"])
    after = {**status_data(tender, transition if stamped else None), **(note or {})}
    audit_record(actor=by, action=action, obj=tender, before=before, after=after)
    tender_event_on_commit(tender, event)
    return tender
