"""How the tender page reads its data (tenders.selectors.public.tender_for_page): the row from a
statement compiled once per process gives what the ORM gives, and the published questions come
with the other relations, without the asker."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404
from django.utils import timezone

from tenders.models import Tender
from tenders.selectors.public import tender_for_page
from tests.factories.tenders import NeedFactory, QuestionFactory, TenderFactory

pytestmark = pytest.mark.django_db

RELATED = ("buyer", "unit", "main_cpv", "need")


def _values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


@pytest.mark.parametrize("with_relations", [True, False])
def test_the_row_is_what_the_orm_reads(with_relations, cpv, django_assert_num_queries):
    # given a tender with (or without) a unit, a main CPV code and an originating need
    extra = (
        {"main_cpv": cpv["72000000"], "need": NeedFactory(open=True)}
        if with_relations
        else {"unit": None, "main_cpv": None, "need": None}
    )
    tender = TenderFactory(published=True, **extra)
    expected = Tender.objects.select_related(*RELATED).get(pk=tender.pk)

    # when
    with django_assert_num_queries(2):  # the row, then every relation in one
        found = tender_for_page(reference=tender.reference, user=AnonymousUser())

    # then: the same columns and the same related rows, read without another query
    assert _values(found) == _values(expected)
    assert found.get_deferred_fields() == set()
    with django_assert_num_queries(0):
        for name in RELATED:
            related, wanted = getattr(found, name), getattr(expected, name)
            assert (related is None) == (wanted is None), name
            if wanted is not None:
                assert _values(related) == _values(wanted), name
    assert isinstance(found.submission_deadline, datetime.datetime)
    assert timezone.is_aware(found.submission_deadline)


def test_unknown_reference_is_404():
    with pytest.raises(Http404):
        tender_for_page(reference="FINNES-IKKE", user=AnonymousUser())


def test_published_questions_come_with_the_page_in_order_without_the_asker(
    django_assert_num_queries,
):
    # given published questions out of number order, and one not published
    tender = TenderFactory(published=True)
    second = QuestionFactory(tender=tender, answered=True, number=2, answer="Andre svar")
    first = QuestionFactory(tender=tender, answered=True, number=1, answer="Første svar")
    QuestionFactory(tender=tender, text="Ikke publisert")

    # when
    with django_assert_num_queries(2):
        found = tender_for_page(reference=tender.reference, user=AnonymousUser())
        questions = found.published_questions

    # then: publication order, and the asker and the asked text are not read
    assert [q.pk for q in questions] == [first.pk, second.pk]
    assert [q.answer for q in questions] == ["Første svar", "Andre svar"]
    for question in questions:
        assert {"asked_by_organisation_id", "asked_by_id", "text"} <= (
            question.get_deferred_fields()
        )
        assert question.__dict__.get("asked_by_organisation_id") is None


def test_a_reference_with_quotes_and_percent_signs_is_only_a_value():
    tender = TenderFactory(published=True, reference="A'B%s\\C--")
    TenderFactory(published=True, reference="A")

    found = tender_for_page(reference="A'B%s\\C--", user=AnonymousUser())

    assert found.pk == tender.pk
    with pytest.raises(Http404):
        tender_for_page(reference="A' OR '1'='1", user=AnonymousUser())


def test_on_postgresql_the_two_statements_are_prepared_on_the_connection():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    tender = TenderFactory(published=True)

    for _ in range(3):
        tender_for_page(reference=tender.reference, user=AnonymousUser())

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any('"tenders_tender"."reference" = $1' in text for text in statements)
    assert any("UNION ALL" in text for text in statements)
