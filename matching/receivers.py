"""Reactions to need and tender events (``tenders.domain_events``) and to supplier profile
changes (``marketplace.domain_events``), sent after their change commits."""

from __future__ import annotations

from django.dispatch import receiver

from marketplace.domain_events import supplier_profile_changed
from marketplace.models import SupplierProfile
from matching import percolator_index
from matching.models import SavedSearch
from matching.services.alerts import alert_fanout_enqueue
from matching.tasks import percolator_sync
from tenders.domain_events import need_changed, tender_changed

ALERT_TENDER_EVENTS = frozenset({"published", "amended", "deadline_extended"})
ALERT_NEED_EVENTS = frozenset({"published", "updated"})


@receiver(tender_changed, dispatch_uid="matching.tender_alerts")
def tender_alerts(sender, *, tender_id: int, event: str, **kwargs) -> None:
    if event not in ALERT_TENDER_EVENTS:
        return
    alert_fanout_enqueue(kind="tender", object_id=tender_id, event=event)


@receiver(need_changed, dispatch_uid="matching.need_alerts")
def need_alerts(sender, *, need_id: int, event: str, **kwargs) -> None:
    if event not in ALERT_NEED_EVENTS:
        return
    alert_fanout_enqueue(kind="need", object_id=need_id, event=event)


@receiver(supplier_profile_changed, dispatch_uid="matching.profile_searches")
def profile_searches(sender, *, profile_id: int, **kwargs) -> None:
    """A profile-based saved search follows its profile: re-store it in the percolator."""
    if not percolator_index.uses_percolator():
        return
    organisation_id = (
        SupplierProfile.objects.filter(pk=profile_id)
        .values_list("organisation_id", flat=True)
        .first()
    )
    ids = list(
        SavedSearch.objects.filter(use_profile=True, organisation_id=organisation_id).values_list(
            "pk", flat=True
        )
    )
    if ids:
        percolator_sync.delay(ids)
