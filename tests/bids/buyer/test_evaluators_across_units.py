"""Evaluators from another unit than the tender's: an administrator of the whole buyer may name
them (the policy's ``EVALUATORS_ACROSS_UNITS``), an officer of the unit may not, and an empty list
of candidates says why and what to do."""

from __future__ import annotations

import pytest
from django.urls import reverse

from marketplace.errors import DomainError
from marketplace.models import Role


@pytest.fixture
def other_unit(buyer):
    from tests.factories import OrganisationUnitFactory

    return OrganisationUnitFactory(organisation=buyer, name="Utdanning", name_en="Education")


@pytest.fixture
def teacher(buyer, other_unit):
    """An evaluator whose role is limited to another unit than the tender's."""
    from tests.factories.bid_evaluation import buyer_user

    return buyer_user(buyer, Role.EVALUATOR, unit=other_unit, email="laerer@afk.test")


@pytest.fixture
def county_admin(buyer):
    from tests.factories.bid_evaluation import buyer_user

    return buyer_user(buyer, Role.BUYER_ADMIN, email="admin@afk.test")


def evaluation_url(tender) -> str:
    return reverse("bids:bids_evaluation", kwargs={"reference": tender.reference})


def assign_url(tender) -> str:
    return reverse("bids:bids_evaluator_assign", kwargs={"reference": tender.reference})


def test_an_officer_of_the_unit_cannot_name_an_evaluator_of_another_unit(
    opened, procurement_officer, teacher
):
    from bids.services.evaluation import evaluator_assign

    with pytest.raises(DomainError) as error:
        evaluator_assign(tender=opened, user=teacher, by=procurement_officer)
    assert error.value.code == "evaluator_other_unit"


def test_someone_without_the_evaluator_role_is_refused_even_by_the_administrator(
    opened, county_admin, buyer, other_unit
):
    from bids.services.evaluation import evaluator_assign
    from tests.factories.bid_evaluation import buyer_user

    officer = buyer_user(buyer, Role.PROCUREMENT_OFFICER, unit=other_unit)
    with pytest.raises(DomainError) as error:
        evaluator_assign(tender=opened, user=officer, by=county_admin)
    assert error.value.code == "evaluator_role_missing"


def test_the_administrator_names_an_evaluator_of_another_unit_who_then_evaluates(
    client, opened, bid_a, county_admin, teacher
):
    # given: the administrator sees the other unit's evaluator among the candidates
    client.force_login(county_admin)
    page = client.get(evaluation_url(opened))
    assert b"laerer@afk.test" in page.content
    # when
    response = client.post(assign_url(opened), {"user": teacher.pk})
    # then: assigned, and the evaluator reaches the tender, its bids and their own list
    assert response.status_code == 302
    assert opened.evaluator_assignments.filter(user=teacher).exists()
    client.force_login(teacher)
    assert client.get(evaluation_url(opened)).status_code == 200
    bid_url = reverse(
        "bids:bids_bid_detail", kwargs={"reference": opened.reference, "public_id": bid_a.public_id}
    )
    assert client.get(bid_url).status_code == 200
    assert opened.title.encode() in client.get(reverse("bids:my_evaluations")).content


def test_an_evaluator_of_another_unit_who_is_not_named_gets_404(client, opened, teacher):
    client.force_login(teacher)
    assert client.get(evaluation_url(opened)).status_code == 404


def test_a_named_evaluator_who_loses_the_role_loses_the_tender(
    client, opened, county_admin, teacher
):
    from bids.services.evaluation import evaluator_assign

    evaluator_assign(tender=opened, user=teacher, by=county_admin)
    teacher.memberships.all().delete()
    client.force_login(teacher)
    assert client.get(evaluation_url(opened)).status_code == 404


def test_an_officer_sees_only_the_units_evaluators_and_why(
    client, opened, procurement_officer, teacher
):
    from django.utils import translation

    client.force_login(procurement_officer)
    with translation.override("en"):
        url = evaluation_url(opened)
    page = client.get(url).content.decode()
    assert "laerer@afk.test" not in page
    assert 'id="no-evaluators"' in page
    assert "An administrator of the whole organisation can name evaluators" in page


def test_posting_another_units_evaluator_as_officer_is_a_form_error(
    client, opened, procurement_officer, evaluator, teacher
):
    client.force_login(procurement_officer)
    response = client.post(assign_url(opened), {"user": teacher.pk})
    assert response.status_code == 400
    assert not opened.evaluator_assignments.filter(user=teacher).exists()


def test_the_administrator_is_told_when_nobody_holds_the_role(client, opened, county_admin):
    client.force_login(county_admin)
    page = client.get(evaluation_url(opened)).content.decode()
    assert 'id="no-evaluators"' in page
    assert reverse("marketplace:organisation_members", kwargs={"slug": opened.buyer.slug}) in page
