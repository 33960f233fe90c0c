"""Celery task: submit a recorded notice to Doffin (registered through tenders.tasks)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="tenders.eforms_notice_submit", acks_late=True)
def eforms_notice_submit(submission_id: int) -> str:
    from .sending import notice_submit

    return notice_submit(submission_id=submission_id).status
