"""Questions and answers: ask until the deadline, answer, publish without the asker."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django.utils.html import escape

from marketplace.errors import DomainError, PermissionDenied
from marketplace.models import AuditEvent, Notification, NotificationKind
from tenders.models import Follow, Question
from tenders.services.questions import question_answer, question_ask, question_publish
from tests.factories import FollowFactory, QuestionFactory, TenderFactory

pytestmark = pytest.mark.django_db


def ask(tender, supplier, user, text="Kan vi levere i to puljer?"):
    return question_ask(tender=tender, organisation=supplier, text=text, by=user)


def test_supplier_asks_before_the_deadline_and_follows_the_tender(
    tender, supplier, supplier_admin, procurement_officer, commit
):
    with commit():
        question = ask(tender, supplier, supplier_admin)

    assert question.number is None and question.published_at is None
    assert Follow.objects.filter(user=supplier_admin, tender=tender).exists()
    # the buyer hears that a question came, not from whom
    note = Notification.objects.get(recipient=procurement_officer)
    assert note.kind == NotificationKind.BUYER_ACTIVITY
    assert supplier.name not in note.subject + note.body
    assert supplier_admin.email not in note.subject + note.body


def test_asking_after_the_question_deadline_is_refused(tender, supplier, supplier_admin):
    tender.question_deadline = timezone.now() - datetime.timedelta(minutes=1)
    tender.save()

    with pytest.raises(DomainError) as error:
        ask(tender, supplier, supplier_admin)

    assert error.value.code == "question_deadline_passed"
    assert not Question.objects.exists()


@pytest.mark.parametrize("trait", ["external", "closed", "cancelled"])
def test_no_questions_on_external_closed_or_cancelled_tenders(trait, supplier, supplier_admin):
    tender = TenderFactory(**{trait: True})

    with pytest.raises(DomainError):
        ask(tender, supplier, supplier_admin)


def test_a_buyer_cannot_ask(tender, buyer, procurement_officer):
    with pytest.raises(PermissionDenied):
        ask(tender, buyer, procurement_officer)


def test_answer_publish_numbers_in_order_and_tells_followers(
    tender,
    supplier,
    supplier_admin,
    other_supplier,
    other_supplier_admin,
    procurement_officer,
    commit,
):
    first = ask(tender, supplier, supplier_admin, "Første spørsmål fra Fjordlys")
    second = ask(tender, other_supplier, other_supplier_admin, "Second question")
    follower = FollowFactory(tender=tender).user

    with commit():
        question_answer(question=second, answer="Svar 1", by=procurement_officer, publish=True)
    with commit():
        question_answer(
            question=first,
            answer="Svar 2",
            published_question="Et spørsmål om puljer",
            by=procurement_officer,
        )
        question_publish(question=first, by=procurement_officer)

    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.number, first.number) == (1, 2)
    assert first.published_question == "Et spørsmål om puljer"
    # everyone following, the askers included, gets the same two notifications
    for user in (follower, supplier_admin, other_supplier_admin):
        notes = Notification.objects.filter(recipient=user, kind=NotificationKind.FOLLOWED_UPDATES)
        assert notes.count() == 2
        for note in notes:
            for name in (supplier.name, other_supplier.name):
                assert name not in note.subject + note.body


def test_published_answer_is_final(tender, supplier, supplier_admin, procurement_officer):
    question = ask(tender, supplier, supplier_admin)
    question_answer(question=question, answer="Ja.", by=procurement_officer, publish=True)

    with pytest.raises(DomainError) as error:
        question_answer(question=question, answer="Nei.", by=procurement_officer)

    assert error.value.code == "question_already_published"


def test_publishing_needs_an_answer(tender, supplier, supplier_admin, procurement_officer):
    question = ask(tender, supplier, supplier_admin)

    with pytest.raises(DomainError) as error:
        question_publish(question=question, by=procurement_officer)

    assert error.value.code == "question_no_answer"


def test_an_officer_of_another_unit_cannot_answer(
    tender, supplier, supplier_admin, other_unit_officer
):
    question = ask(tender, supplier, supplier_admin)

    with pytest.raises(PermissionDenied):
        question_answer(question=question, answer="Ja.", by=other_unit_officer, publish=True)


def test_the_asking_is_audited_in_the_askers_history_not_the_buyers(
    tender, supplier, supplier_admin, buyer, procurement_officer
):
    question = ask(tender, supplier, supplier_admin)
    question_answer(question=question, answer="Ja.", by=procurement_officer, publish=True)

    asked = AuditEvent.objects.get(action="question.asked")
    assert asked.organisation_id == supplier.pk
    buyer_events = AuditEvent.objects.filter(organisation_id=buyer.pk)
    assert {e.action for e in buyer_events} >= {"question.answered", "question.published"}
    assert not any(
        supplier_admin.email == e.actor_label or supplier.name in str(e.after) for e in buyer_events
    )


# --- HTTP ---------------------------------------------------------------------------------------


def test_supplier_asks_through_the_page(client, tender, supplier, supplier_admin):
    client.force_login(supplier_admin)

    response = client.post(
        f"/en/konkurranser/{tender.reference}/sporsmal/", {"text": "Hvor mange ladere?"}
    )

    assert response.status_code == 302
    assert Question.objects.get().asked_by_organisation == supplier


def test_an_empty_question_shows_the_field_error_in_both_languages(client, tender, supplier_admin):
    client.force_login(supplier_admin)

    english = client.post(f"/en/konkurranser/{tender.reference}/sporsmal/", {"text": ""})
    norwegian = client.post(f"/konkurranser/{tender.reference}/sporsmal/", {"text": ""})

    assert english.status_code == norwegian.status_code == 400
    assert "This field is required." in english.content.decode()
    assert 'id="id_text_error"' in english.content.decode()
    assert "Dette feltet er påkrevet." in norwegian.content.decode()


def test_asking_after_the_deadline_through_the_page_says_so(client, tender, supplier_admin):
    tender.question_deadline = timezone.now() - datetime.timedelta(hours=1)
    tender.save()
    client.force_login(supplier_admin)

    response = client.post(f"/en/konkurranser/{tender.reference}/sporsmal/", {"text": "Hei?"})

    assert response.status_code == 400
    assert "The deadline for questions" in response.content.decode()
    assert not Question.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, tender):
    response = client.post(f"/en/konkurranser/{tender.reference}/sporsmal/", {"text": "Hei?"})

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_tender_page_never_shows_who_asked(
    client, tender, supplier, supplier_admin, other_supplier_admin, procurement_officer
):
    question = ask(tender, supplier, supplier_admin, "Gjelder kravet også underleverandører?")
    question_answer(
        question=question, answer="Ja, det gjør det.", by=procurement_officer, publish=True
    )
    pending = ask(tender, supplier, supplier_admin, "Et ubesvart spørsmål")

    for user in (None, other_supplier_admin, supplier_admin):
        client.logout()
        if user is not None:
            client.force_login(user)
        html = client.get(f"/en/konkurranser/{tender.reference}/").content.decode()
        assert "Gjelder kravet også underleverandører?" in html
        assert "Ja, det gjør det." in html
        assert escape(supplier.name) not in html
        assert supplier_admin.email not in html
        # (not '"<pk>"' anywhere: the ask form's textarea has rows="4", so the test failed
        # whenever the question's key happened to be 4)
        assert f"question-{question.pk}" not in html and f'value="{question.pk}"' not in html
        # a pending question is shown only to the organisation that asked it
        assert ("Et ubesvart spørsmål" in html) is (user == supplier_admin)
    assert pending.published_at is None


def test_an_ask_form_is_shown_to_suppliers_only(
    client, tender, supplier_admin, procurement_officer
):
    anonymous = client.get(f"/en/konkurranser/{tender.reference}/").content.decode()
    client.force_login(supplier_admin)
    supplier_page = client.get(f"/en/konkurranser/{tender.reference}/").content.decode()

    assert "Log in as a supplier to ask a question" in anonymous
    assert 'name="text"' in supplier_page
    assert 'name="text"' not in anonymous


def test_buyer_answers_and_publishes_through_the_page(
    buyer_client, tender, supplier, supplier_admin
):
    question = ask(tender, supplier, supplier_admin)
    list_url = f"/en/innkjop/konkurranser/{tender.reference}/sporsmal/"

    listing = buyer_client.get(list_url)
    response = buyer_client.post(
        f"{list_url}{question.pk}/",
        {"published_question": "Om puljer", "answer": "Ja.", "publish": "1"},
    )

    assert listing.status_code == 200
    assert "Kan vi levere i to puljer?" in listing.content.decode()
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.number == 1 and question.published_question == "Om puljer"


def test_another_buyers_tender_questions_answer_404(client, supplier_admin):
    from tests.conftest import with_totp
    from tests.factories import MembershipFactory, UserFactory

    other = TenderFactory(published=True)
    question = QuestionFactory(tender=other)
    officer = with_totp(UserFactory())
    from tests.factories import BuyerFactory

    MembershipFactory(user=officer, organisation=BuyerFactory(), role="buyer_admin")
    client.force_login(officer)

    base = f"/en/innkjop/konkurranser/{other.reference}/sporsmal/"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}{question.pk}/").status_code == 404
    client.force_login(supplier_admin)
    assert client.get(base).status_code == 404


def test_someone_speaking_for_two_suppliers_sees_the_pending_questions_of_both(
    client, tender, supplier, supplier_admin, other_supplier, other_supplier_admin
):
    # given a person in two suppliers, each of which asked, and a third supplier that asked too
    from marketplace.models import Role
    from tests.factories import MembershipFactory, SupplierFactory, UserFactory

    MembershipFactory(user=supplier_admin, organisation=other_supplier, role=Role.SUPPLIER_MEMBER)
    ask(tender, supplier, supplier_admin, "Første eget spørsmål")
    ask(tender, other_supplier, other_supplier_admin, "Andre eget spørsmål")
    third = SupplierFactory(name="Tredje AS")
    third_admin = UserFactory()
    MembershipFactory(user=third_admin, organisation=third, role=Role.SUPPLIER_ADMIN)
    ask(tender, third, third_admin, "Et fremmed spørsmål")

    # when they read the tender page
    client.force_login(supplier_admin)
    html = client.get(f"/en/konkurranser/{tender.reference}/").content.decode()

    # then both of their own are listed, oldest first, and the stranger's is not
    assert html.index("Første eget spørsmål") < html.index("Andre eget spørsmål")
    assert "Et fremmed spørsmål" not in html
