"""Sending a tender's notice to Doffin: validate, record, then submit after commit.

``notice_send`` (a procurement officer's action, ``tender.manage``) refuses unless Doffin is
configured and the notice is valid, then records a ``NoticeSubmission`` and queues the submit
task on commit. ``notice_submit`` (the task's service) validates the notice again with the XSD
and the business rules (the publish action checks the XSD only), records a refusal in words and
sends nothing when it is not valid; otherwise it sends it once, records Doffin's answer and the
status. Run again it sends nothing (only a queued row is sent).
"""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import DomainError, PermissionDenied
from marketplace.policy import Action, user_can
from marketplace.services.audit import audit_record

from ..models import Amendment, NoticeSubmission, Tender
from . import doffin
from .notices import notice_xml
from .rulesets import EformsNotConfigured
from .validation import validate

PUBLISHED_WORDS = ("published", "publisert")


class NoticeInvalid(DomainError):
    code = "eforms_invalid"

    def __init__(self, report):
        super().__init__(report.summary(), code=self.code)
        self.report = report


def notice_send(
    *, tender: Tender, kind: str, by, amendment: Amendment | None = None
) -> NoticeSubmission:
    """Validate and record the notice, and queue its submission. The rules are run before any
    row is locked: compiling them can take a minute in a fresh process."""
    if not user_can(by, Action.TENDER_MANAGE, tender):
        raise PermissionDenied(_("You may not send notices for this tender."))
    doffin.require_configured()
    notice, previous = _valid_notice(tender, kind=kind, amendment=amendment, schematron=True)
    return _record(tender=tender, kind=kind, by=by, notice=notice, previous=previous)


def contract_notice_on_publish(*, tender: Tender, by) -> NoticeSubmission | None:
    """Publishing on our site and on Doffin is one action when Doffin is configured: called by
    ``tender_publish`` inside its transaction, after the tender is marked published. Records the
    contract notice and queues its sending on commit; an invalid notice raises ``NoticeInvalid``
    so the publish rolls back. Only the XSD is checked here, as the preview does: the business
    rules take minutes to compile in a fresh process, and Doffin judges them again."""
    if not doffin.is_configured():
        return None
    notice, previous = _valid_notice(tender, kind="contract", amendment=None, schematron=False)
    return _record(tender=tender, kind="contract", by=by, notice=notice, previous=previous)


def _valid_notice(tender: Tender, *, kind: str, amendment: Amendment | None, schematron: bool):
    """The notice's next version, validated; raises ``NoticeInvalid`` with the problems."""
    notice = notice_xml(tender, kind=kind, amendment=amendment)
    previous = NoticeSubmission.objects.filter(notice_id=notice.notice_id).count()
    if previous:
        notice = notice_xml(tender, kind=kind, amendment=amendment, version=previous + 1)
    report = validate(notice.xml, schematron=schematron)
    if not report.valid:
        raise NoticeInvalid(report)
    return notice, previous


@transaction.atomic
def _record(*, tender: Tender, kind: str, by, notice, previous: int) -> NoticeSubmission:
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if NoticeSubmission.objects.filter(notice_id=notice.notice_id).count() != previous:
        raise DomainError(
            _("This notice was sent by someone else meanwhile; look at the list and try again."),
            code="eforms_sent_meanwhile",
        )
    submission = NoticeSubmission.objects.create(
        tender=tender,
        kind=kind,
        subtype=notice.subtype,
        notice_id=notice.notice_id,
        version=notice.version,
        procedure_id=notice.procedure_id,
        xml=notice.xml.decode("utf-8"),
        sent_by=by,
    )
    audit_record(
        actor=by,
        action="tender.notice_queued",
        obj=submission,
        after={"tender": tender.reference, "kind": kind, "notice": notice.business_id},
    )
    eforms_notice_submit.delay_on_commit(submission.pk)
    return submission


def notice_submit(*, submission_id: int) -> NoticeSubmission:
    """Validate the queued notice (XSD and business rules: seconds once the worker has compiled
    them, so outside the row lock), then send it, or record why it was not sent."""
    submission = NoticeSubmission.objects.get(pk=submission_id)
    if submission.status != NoticeSubmission.Status.QUEUED:
        return submission
    try:
        report = validate(submission.xml.encode("utf-8"))
    except EformsNotConfigured as exc:
        return _refuse(submission_id, summary=str(exc.message), problems=[])
    if not report.valid:
        return _refuse(
            submission_id,
            summary=report.summary(),
            problems=[str(problem) for problem in report.problems],
        )
    return _send(submission_id)


@shared_task(name="tenders.eforms_notice_submit", acks_late=True)
def eforms_notice_submit(submission_id: int) -> str:
    """The task: submit a recorded notice to Doffin. It lives beside its service because
    :func:`notice_send` schedules it; ``tenders.tasks`` imports it so that workers register it."""
    return notice_submit(submission_id=submission_id).status


@transaction.atomic
def _refuse(submission_id: int, *, summary: str, problems: list[str]) -> NoticeSubmission:
    """Record that the notice was not sent because it does not validate (or cannot be)."""
    submission = NoticeSubmission.objects.select_for_update().get(pk=submission_id)
    if submission.status != NoticeSubmission.Status.QUEUED:
        return submission
    submission.status = NoticeSubmission.Status.INVALID
    submission.response = {"validation": summary, "problems": problems}
    submission.save(update_fields=["status", "response"])
    audit_record(
        actor=None,
        action="tender.notice_invalid",
        obj=submission,
        after={
            "notice": f"{submission.notice_id}-{submission.version}",
            "validation": summary,
            "problems": len(problems),
        },
    )
    return submission


@transaction.atomic
def _send(submission_id: int) -> NoticeSubmission:
    submission = NoticeSubmission.objects.select_for_update().get(pk=submission_id)
    if submission.status != NoticeSubmission.Status.QUEUED:
        return submission
    answer = doffin.submit(submission.xml.encode("utf-8"))
    submission.http_status = answer.http_status
    submission.response = answer.body
    submission.attempts = answer.attempts
    submission.sent_at = timezone.now()
    if answer.accepted:
        state = str(answer.body.get("status", "")).lower()
        published = any(word in state for word in PUBLISHED_WORDS)
        submission.status = (
            NoticeSubmission.Status.PUBLISHED if published else NoticeSubmission.Status.SUBMITTED
        )
        submission.doffin_id = str(
            answer.body.get("doffinId") or answer.body.get("publicationId") or ""
        )[:40]
    elif answer.refused:
        submission.status = NoticeSubmission.Status.REJECTED
    else:
        submission.status = NoticeSubmission.Status.FAILED
    submission.save()
    audit_record(
        actor=None,
        action="tender.notice_sent",
        obj=submission,
        after={
            "notice": f"{submission.notice_id}-{submission.version}",
            "status": submission.status,
            "http_status": submission.http_status,
            "doffin_id": submission.doffin_id,
        },
    )
    return submission
