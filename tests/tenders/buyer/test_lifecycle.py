"""The transition table, and the services that follow it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from marketplace.errors import DomainError, InvalidTransition, PermissionDenied
from marketplace.models import AuditEvent, Notification
from tenders import lifecycle
from tenders.lifecycle import Transition
from tenders.models import Amendment, Tender
from tenders.services import closing
from tenders.services import tenders as services
from tenders.services.references import reference_next
from tenders.services.tender_rules import TenderNotReady
from tenders.services.tenders import TenderInput
from tenders.tasks import close_due_tenders
from tests.factories import FollowFactory, LotFactory, TenderFactory, cpv_code

pytestmark = pytest.mark.django_db

S = Tender.Status


def _codes(exc: TenderNotReady) -> set[str]:
    return {problem.code for problem in exc.problems}


def _actions(tender) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="tenders.tender", object_id=str(tender.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- Table --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (S.DRAFT, ["publish"]),
        (S.PUBLISHED, ["close", "cancel"]),
        (S.CLOSED, ["start_evaluation", "cancel"]),
        (S.IN_EVALUATION, ["award", "cancel"]),
        (S.AWARDED, ["withdraw_award"]),
        (S.CANCELLED, []),
    ],
)
def test_the_table_says_what_may_follow_each_status(status, allowed):
    tender = TenderFactory.build(status=status)
    assert [str(t) for t in lifecycle.available(tender)] == allowed


def test_an_external_tender_has_no_transitions():
    assert lifecycle.available(TenderFactory.build(external=True)) == []


# --- References ---------------------------------------------------------------------------------


def test_references_count_per_prefix_and_year_without_gaps():
    assert reference_next(prefix="AFK", year=2026) == "AFK-2026-0001"
    assert reference_next(prefix="AFK", year=2026) == "AFK-2026-0002"
    assert reference_next(prefix="AFK", year=2027) == "AFK-2027-0001"


def test_create_gives_the_next_reference_and_audits(buyer, buyer_unit, procurement_officer):
    # when
    tender = services.tender_create(
        buyer=buyer,
        unit=buyer_unit,
        by=procurement_officer,
        data=TenderInput(
            fields={
                "title": "Skyss",
                "procedure": "open",
                "description": "<p>Hei<script>alert(1)</script></p>",
                "estimated_value": Decimal("2000000"),
            },
            criteria=[{"name": "Pris", "weight": 60}, {"name": "Kvalitet", "weight": 40}],
        ),
    )
    # then
    year = timezone.localdate().year
    assert tender.reference == f"AFK-{year}-0001"
    assert tender.status == S.DRAFT
    assert tender.description == "<p>Hei</p>"
    assert tender.threshold_band == "national"
    assert [c.weight for c in tender.criteria.all()] == [60, 40]
    assert _actions(tender) == ["tender.created"]


def test_an_officer_of_another_unit_may_not_create_or_edit(
    buyer, buyer_unit, other_unit_officer, draft
):
    with pytest.raises(PermissionDenied):
        services.tender_create(
            buyer=buyer,
            unit=buyer_unit,
            by=other_unit_officer,
            data=TenderInput(fields={"title": "x", "procedure": "open"}),
        )
    with pytest.raises(PermissionDenied):
        services.tender_update(
            tender=draft, by=other_unit_officer, data=TenderInput(fields={"title": "y"})
        )


def test_update_edits_a_draft_and_syncs_lots(draft, procurement_officer):
    lot = LotFactory(tender=draft, number=1, title="Nord")
    services.tender_update(
        tender=draft,
        by=procurement_officer,
        data=TenderInput(
            fields={"title": "Nytt navn"},
            lots=[{"title": "Sør"}, {"id": lot.pk, "title": "Nord (endret)"}],
        ),
    )
    draft.refresh_from_db()
    assert draft.title == "Nytt navn"
    assert [(lt.number, lt.title) for lt in draft.lots.all()] == [
        (1, "Sør"),
        (2, "Nord (endret)"),
    ]
    assert draft.lots.get(title="Nord (endret)").pk == lot.pk


def test_update_refuses_question_deadline_after_submission(draft, procurement_officer):
    with pytest.raises(ValidationError) as caught:
        services.tender_update(
            tender=draft,
            by=procurement_officer,
            data=TenderInput(fields={"question_deadline": draft.submission_deadline}),
        )
    assert "question_deadline" in caught.value.message_dict


# --- Publish -------------------------------------------------------------------------------------


def test_publish_stamps_status_and_audits(draft, procurement_officer):
    services.tender_publish(tender=draft, by=procurement_officer)
    draft.refresh_from_db()
    assert draft.status == S.PUBLISHED and draft.published_at is not None
    assert draft.threshold_band == "national"
    assert _actions(draft) == ["tender.published"]


def test_publish_refuses_weights_that_do_not_sum_to_100(
    buyer, buyer_unit, main_cpv, procurement_officer
):
    tender = TenderFactory(buyer=buyer, unit=buyer_unit, main_cpv=main_cpv, criteria=[50, 30])
    with pytest.raises(TenderNotReady) as caught:
        services.tender_publish(tender=tender, by=procurement_officer)
    assert _codes(caught.value) == {"criteria_weights"}
    tender.refresh_from_db()
    assert tender.status == S.DRAFT


def test_publish_lists_every_problem(buyer, buyer_unit, procurement_officer):
    tender = TenderFactory(
        buyer=buyer,
        unit=buyer_unit,
        criteria=False,
        description="",
        question_deadline=timezone.now() - datetime.timedelta(hours=1),
        max_lots_per_bidder=2,
    )
    with pytest.raises(TenderNotReady) as caught:
        services.tender_publish(tender=tender, by=procurement_officer)
    assert _codes(caught.value) == {
        "description_missing",
        "main_cpv_missing",
        "question_deadline_past",
        "criteria_missing",
        "max_lots_too_many",
    }


def test_publish_refuses_past_submission_deadline(draft, procurement_officer):
    Tender.objects.filter(pk=draft.pk).update(
        question_deadline=timezone.now() - datetime.timedelta(days=2),
        submission_deadline=timezone.now() - datetime.timedelta(days=1),
    )
    with pytest.raises(TenderNotReady) as caught:
        services.tender_publish(tender=draft, by=procurement_officer)
    assert {"submission_deadline_past", "question_deadline_past"} <= _codes(caught.value)


def test_above_eea_with_one_lot_needs_a_justification(draft, procurement_officer):
    Tender.objects.filter(pk=draft.pk).update(estimated_value=Decimal("5000000"))
    with pytest.raises(TenderNotReady) as caught:
        services.tender_publish(tender=draft, by=procurement_officer)
    assert _codes(caught.value) == {"no_lots_justification_missing"}

    Tender.objects.filter(pk=draft.pk).update(no_lots_justification="Én leveranse.")
    tender = services.tender_publish(tender=draft, by=procurement_officer)
    assert tender.threshold_band == "eea"


def test_above_eea_with_two_lots_needs_no_justification(draft, procurement_officer):
    Tender.objects.filter(pk=draft.pk).update(estimated_value=Decimal("5000000"))
    LotFactory(tender=draft, number=1)
    LotFactory(tender=draft, number=2)
    assert services.tender_publish(tender=draft, by=procurement_officer).threshold_band == "eea"


def test_max_lots_may_not_exceed_the_lots(draft, procurement_officer):
    LotFactory(tender=draft, number=1)
    LotFactory(tender=draft, number=2)
    Tender.objects.filter(pk=draft.pk).update(max_lots_per_bidder=3)
    with pytest.raises(TenderNotReady) as caught:
        services.tender_publish(tender=draft, by=procurement_officer)
    assert _codes(caught.value) == {"max_lots_too_many"}


def test_publish_twice_is_an_invalid_transition(published, procurement_officer):
    with pytest.raises(InvalidTransition):
        services.tender_publish(tender=published, by=procurement_officer)


# --- Amend and extend ---------------------------------------------------------------------


def test_a_draft_cannot_be_amended_and_a_published_tender_cannot_be_edited(
    draft, published, procurement_officer
):
    with pytest.raises(DomainError) as caught:
        services.tender_amend(
            tender=draft,
            by=procurement_officer,
            data=TenderInput(fields={"title": "x"}),
            summary="s",
        )
    assert caught.value.code == "tender_not_amendable"
    with pytest.raises(DomainError) as caught:
        services.tender_update(tender=published, by=procurement_officer, data=TenderInput())
    assert caught.value.code == "tender_not_editable"


def test_amendment_is_versioned_with_field_diffs_and_notifies_followers(
    published, procurement_officer, django_capture_on_commit_callbacks
):
    follower = FollowFactory(tender=published).user
    extra = cpv_code("72200000", "Software programming")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        amendment = services.tender_amend(
            tender=published,
            by=procurement_officer,
            data=TenderInput(fields={"title": "Ladestasjoner, utvidet"}, additional_cpv=[extra]),
            summary="Utvidet omfang.",
        )
    # then
    published.refresh_from_db()
    assert published.version == 2
    assert amendment.number == 1 and not amendment.is_deadline_extension
    assert amendment.changes["title"]["after"] == "Ladestasjoner, utvidet"
    assert amendment.changes["additional_cpv"] == {"before": [], "after": ["72200000"]}
    assert set(amendment.changes) == {"title", "additional_cpv"}
    note = Notification.objects.get(recipient=follower)
    assert "Ladestasjoner, utvidet" in note.subject + note.body
    assert "tender.amended" in _actions(published)


def test_amending_nothing_is_refused(published, procurement_officer):
    with pytest.raises(DomainError) as caught:
        services.tender_amend(
            tender=published, by=procurement_officer, data=TenderInput(), summary="Ingenting"
        )
    assert caught.value.code == "tender_amend_no_changes"
    assert not Amendment.objects.exists()


def test_amendment_needs_a_summary(published, procurement_officer):
    with pytest.raises(ValidationError):
        services.tender_amend(
            tender=published,
            by=procurement_officer,
            data=TenderInput(fields={"title": "Nytt"}),
            summary="  ",
        )


def test_amendment_keeps_the_publication_rules(published, procurement_officer):
    with pytest.raises(TenderNotReady):
        services.tender_amend(
            tender=published,
            by=procurement_officer,
            data=TenderInput(criteria=[{"name": "Pris", "weight": 70}]),
            summary="Nye vekter",
        )


def test_deadline_extension_is_logged_and_followers_hear_of_it(
    published, procurement_officer, django_capture_on_commit_callbacks
):
    follower = FollowFactory(tender=published).user
    old = published.submission_deadline
    new = old + datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        amendment = services.tender_extend_deadline(
            tender=published, by=procurement_officer, submission_deadline=new, reason="Ferie."
        )
    published.refresh_from_db()
    assert published.submission_deadline == new
    assert amendment.is_deadline_extension
    assert set(amendment.changes) == {"submission_deadline"}
    assert "tender.deadline_extended" in _actions(published)
    assert Notification.objects.filter(recipient=follower).count() == 1
    assert len(mail.outbox) <= 1


def test_deadline_cannot_be_moved_earlier(published, procurement_officer):
    with pytest.raises(DomainError) as caught:
        services.tender_extend_deadline(
            tender=published,
            by=procurement_officer,
            submission_deadline=published.submission_deadline - datetime.timedelta(hours=1),
            reason="Tidligere",
        )
    assert caught.value.code == "tender_extend_not_later"


# --- Close, evaluate, cancel ---------------------------------------------------------------


def test_the_periodic_task_closes_tenders_past_their_deadline(buyer, buyer_unit):
    due = TenderFactory(
        buyer=buyer,
        unit=buyer_unit,
        published=True,
        question_deadline=timezone.now() - datetime.timedelta(days=3),
        submission_deadline=timezone.now() - datetime.timedelta(minutes=1),
    )
    open_ = TenderFactory(buyer=buyer, unit=buyer_unit, published=True)
    draft = TenderFactory(
        buyer=buyer,
        unit=buyer_unit,
        question_deadline=timezone.now() - datetime.timedelta(days=3),
        submission_deadline=timezone.now() - datetime.timedelta(minutes=1),
    )
    # when
    closed = close_due_tenders.delay().get()
    # then
    assert closed == [due.reference]
    due.refresh_from_db(), open_.refresh_from_db(), draft.refresh_from_db()
    assert (due.status, open_.status, draft.status) == (S.CLOSED, S.PUBLISHED, S.DRAFT)
    assert due.closed_at is not None
    event = AuditEvent.objects.get(action="tender.closed")
    assert event.actor is None and event.actor_label == "system"
    # and running it again closes nothing more
    assert close_due_tenders.delay().get() == []


def test_a_tender_does_not_close_before_its_deadline(published, procurement_officer):
    with pytest.raises(DomainError) as caught:
        closing.tender_close(tender=published, by=procurement_officer)
    assert caught.value.code == "tender_close_too_early"


def test_evaluation_starts_only_after_closing(published, buyer, buyer_unit, procurement_officer):
    with pytest.raises(InvalidTransition):
        services.tender_start_evaluation(tender=published, by=procurement_officer)
    closed = TenderFactory(buyer=buyer, unit=buyer_unit, closed=True)
    tender = services.tender_start_evaluation(tender=closed, by=procurement_officer)
    assert tender.status == S.IN_EVALUATION and tender.evaluation_started_at
    assert _actions(tender) == ["tender.evaluation_started"]


def test_cancel_needs_a_reason_and_tells_followers(
    published, procurement_officer, django_capture_on_commit_callbacks
):
    follower = FollowFactory(tender=published).user
    with pytest.raises(DomainError):
        services.tender_cancel(tender=published, by=procurement_officer, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        tender = services.tender_cancel(
            tender=published, by=procurement_officer, reason="Behovet falt bort."
        )
    assert tender.status == S.CANCELLED and tender.cancelled_at
    assert Notification.objects.filter(recipient=follower).exists()
    assert _actions(tender) == ["tender.cancelled"]
    with pytest.raises(InvalidTransition):
        services.tender_cancel(tender=tender, by=procurement_officer, reason="Igjen")


def test_another_units_officer_cannot_transition(published, other_unit_officer):
    with pytest.raises(PermissionDenied):
        services.tender_cancel(tender=published, by=other_unit_officer, reason="x")


def test_transition_enum_covers_every_timestamp():
    assert set(lifecycle.TIMESTAMPS) == set(Transition)
