"""Clarification questions on a tender: asked by suppliers until the question deadline,
answered by the buyer, published to everyone with the asker left out.

Anonymity rules, kept here in one place:
- the published Q&A carries only its number, the published wording, the answer and the time it
  was published — never the asking organisation or person, nor when it was asked;
- the asker's audit events belong to the asking organisation's own history, not the buyer's;
- the buyer is told that *a supplier* asked, never which one; followers (the asker included,
  who follows automatically) all get the same message when the answer is published.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import DomainError, PermissionDenied
from marketplace.models import NotificationKind, Organisation
from marketplace.page_cache import page_cache_invalidate
from marketplace.policy import Action, user_can
from marketplace.services.audit import audit_record
from marketplace.services.notifications import notify
from marketplace.services.organisations import default_language_path
from tenders.models import Question, Tender
from tenders.selectors.dialogue import can_ask, managers_of
from tenders.services.follows import follow, followers_notify


def _question_data(question: Question) -> dict:
    return {
        "tender": question.tender.reference,
        "number": question.number,
        "published_question": question.published_question,
        "answer": question.answer,
        "published_at": question.published_at,
    }


@transaction.atomic
def question_ask(*, tender: Tender, organisation: Organisation, text: str, by) -> Question:
    """A supplier asks a question. Refused after the question deadline or when the tender is
    not open for bids; the asker then follows the tender so it hears about the answer."""
    if not organisation.is_supplier or not user_can(by, Action.BID_PREPARE, organisation):
        raise PermissionDenied(_("Only suppliers can ask questions."), code="question_not_supplier")
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if not can_ask(tender):
        raise DomainError(
            _("The deadline for questions on this tender has passed."),
            code="question_deadline_passed",
            field="text",
        )
    question = Question(
        tender=tender, asked_by_organisation=organisation, asked_by=by, text=text.strip()
    )
    question.full_clean()
    question.save()
    audit_record(
        actor=by,
        action="question.asked",
        obj=question,
        organisation=organisation,  # the asker's own history: the buyer's log never names it
        after={"tender": tender.reference, "text": question.text},
    )
    follow(user=by, tender=tender)
    url = _buyer_questions_path(tender)
    for manager in managers_of(tender, Action.TENDER_MANAGE):
        notify(
            recipient=manager,
            kind=NotificationKind.BUYER_ACTIVITY,
            key=f"question:{question.pk}:received",
            template="tenders/notifications/question_received",
            context={"tender": tender},
            url=url,
        )
    return question


def _buyer_questions_path(tender: Tender) -> str:
    return default_language_path("tenders:buyer_questions", reference=tender.reference)


def _require_manager(by, question: Question) -> None:
    if not user_can(by, Action.TENDER_MANAGE, question.tender):
        raise PermissionDenied(_("You may not answer questions on this tender."))


@transaction.atomic
def question_answer(
    *,
    question: Question,
    answer: str,
    published_question: str = "",
    by,
    publish: bool = False,
) -> Question:
    """The buyer writes (or rewrites) the answer and the wording to publish. A published
    question is final. With ``publish`` the answer is published at once."""
    question = Question.objects.select_related("tender").select_for_update().get(pk=question.pk)
    _require_manager(by, question)
    if question.published_at is not None:
        raise DomainError(
            _("This answer is already published and cannot be changed."),
            code="question_already_published",
        )
    before = _question_data(question)
    question.answer = answer.strip()
    question.published_question = (published_question or "").strip() or question.text
    question.answered_by = by
    question.full_clean(exclude=["asked_by"])
    question.save()
    audit_record(
        actor=by,
        action="question.answered",
        obj=question,
        before=before,
        after=_question_data(question),
    )
    if publish:
        return question_publish(question=question, by=by)
    return question


@transaction.atomic
def question_publish(*, question: Question, by) -> Question:
    """Publish the question (in its published wording) and its answer to everyone, numbered
    in order of publication, and tell the tender's followers."""
    question = Question.objects.select_related("tender").select_for_update().get(pk=question.pk)
    _require_manager(by, question)
    if question.published_at is not None:
        return question
    if not question.answer.strip():
        raise DomainError(
            _("Write an answer before publishing."), code="question_no_answer", field="answer"
        )
    tender = Tender.objects.select_for_update().get(pk=question.tender_id)
    if tender.status in {Tender.Status.DRAFT, Tender.Status.CANCELLED}:
        raise DomainError(
            _("Answers can no longer be published on this tender."),
            code="question_tender_not_open",
        )
    last = Question.objects.filter(tender=tender).aggregate(last=Max("number"))["last"] or 0
    before = _question_data(question)
    question.number = last + 1
    question.published_question = question.published_question.strip() or question.text
    question.published_at = timezone.now()
    question.full_clean(exclude=["asked_by", "answered_by"])
    question.save()
    audit_record(
        actor=by,
        action="question.published",
        obj=question,
        before=before,
        after=_question_data(question),
    )
    followers_notify(
        event="answer_published",
        tender=tender,
        context={"key": f"q{question.number}", "number": question.number},
    )
    # The tender's public page shows the published Q&A: no anonymous copy older than this.
    page_cache_invalidate()
    return question


__all__ = ["question_answer", "question_ask", "question_publish"]
