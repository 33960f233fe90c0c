"""A tender's domain event publishes its new OCDS release (``tenders.ocds.store``).

Connected in ``TendersConfig.ready``. Events arrive after the change commits and may arrive
again (the outbox redelivers): storing is idempotent, an unchanged tender adds no release.
"""

from __future__ import annotations

from tenders.domain_events import tender_changed

from .store import releases_publish


def tender_changed_publish_release(sender, *, tender_id: int, **kwargs) -> None:
    releases_publish(tender_id=tender_id)


def connect() -> None:
    tender_changed.connect(tender_changed_publish_release, dispatch_uid="tenders.ocds.release")
