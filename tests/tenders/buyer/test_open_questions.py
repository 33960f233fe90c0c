"""Questions from suppliers are found without the notification: the buyer's tender page and
workspace count the ones waiting for an answer and link to answering them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tenders.selectors.buyer import open_questions_count, workspace_tenders
from tenders.services.questions import question_ask
from tests.factories import QuestionFactory, SupplierFactory, TenderFactory
from tests.factories.bid_evaluation import supplier_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(published):
    """Two questions asked through the service, one answered and published already."""
    supplier = SupplierFactory(name="Fjordlys Teknologi AS")
    user = supplier_user(supplier, "post@fjordlys.test")
    first = question_ask(tender=published, organisation=supplier, text="Hvor mange?", by=user)
    question_ask(tender=published, organisation=supplier, text="Når starter det?", by=user)
    QuestionFactory(tender=published, answered=True)
    return first


def test_the_count_is_of_questions_whose_answer_is_not_published(published, asked):
    assert open_questions_count(published) == 2


def test_the_buyers_tender_page_counts_them_and_links_to_answering(buyer_client, published, asked):
    response = buyer_client.get(
        reverse("tenders:buyer_tender_detail", kwargs={"reference": published.reference})
    )

    questions_url = reverse("tenders:buyer_questions", kwargs={"reference": published.reference})
    assert response.status_code == 200
    assert response.context["open_questions"] == 2
    assert f'href="{questions_url}"'.encode() in response.content
    assert "2 spørsmål fra leverandører venter på svar".encode() in response.content
    # and the linked page offers to answer them
    page = buyer_client.get(questions_url)
    assert page.status_code == 200
    answer_url = reverse(
        "tenders:question_answer", kwargs={"reference": published.reference, "pk": asked.pk}
    )
    assert answer_url.encode() in page.content


def test_the_workspace_counts_them_per_tender_and_in_all(
    buyer_client, procurement_officer, published, asked, buyer, buyer_unit
):
    quiet = TenderFactory(buyer=buyer, unit=buyer_unit, published=True)

    lists = workspace_tenders(procurement_officer)
    response = buyer_client.get(reverse("tenders:buyer_workspace"))

    counts = {t.pk: t.open_questions for t in lists["upcoming"]}
    assert counts == {published.pk: 2, quiet.pk: 0}
    assert lists["open_questions"] == 2
    assert b'id="open-questions"' in response.content
    questions_url = reverse("tenders:buyer_questions", kwargs={"reference": published.reference})
    assert f'href="{questions_url}"'.encode() in response.content


def test_no_questions_no_alert(buyer_client, published):
    response = buyer_client.get(reverse("tenders:buyer_workspace"))

    assert response.status_code == 200
    assert b'id="open-questions"' not in response.content


def test_another_units_officer_gets_404_on_the_page_with_the_count(
    client, other_unit_officer, published, asked
):
    client.force_login(other_unit_officer)

    response = client.get(
        reverse("tenders:buyer_tender_detail", kwargs={"reference": published.reference})
    )

    assert response.status_code == 404
