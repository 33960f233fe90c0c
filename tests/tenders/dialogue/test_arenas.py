"""Test arenas: the public catalogue and the buyer's pages."""

from __future__ import annotations

import pytest

from marketplace.errors import PermissionDenied
from tenders.models import TestArena
from tenders.services.arenas import test_arena_create as arena_create
from tests.factories import NeedFactory, TestArenaFactory

pytestmark = pytest.mark.django_db


def test_catalogue_lists_published_arenas_only(client, buyer, django_assert_max_num_queries):
    TestArenaFactory.create_batch(4, owner=buyer)
    hidden = TestArenaFactory(
        owner=buyer, is_published=False, name="Skjult arena", name_en="Hidden arena"
    )

    with django_assert_max_num_queries(6):
        html = client.get("/en/testarenaer/").content.decode()

    assert "Test arena" in html and hidden.name_en not in html
    assert client.get(f"/en/testarenaer/{hidden.slug}/").status_code == 404


def test_catalogue_filters_by_kind(client, buyer):
    road = TestArenaFactory(owner=buyer, kind=TestArena.Kind.ROAD, name_en="County road 120")
    school = TestArenaFactory(owner=buyer, kind=TestArena.Kind.SCHOOL, name_en="Skedsmo school")

    html = client.get("/en/testarenaer/?kind=road").content.decode()

    assert road.name_en in html and school.name_en not in html


def test_arena_page_shows_what_it_suits_and_the_needs_offering_it(client, buyer, buyer_unit):
    need = NeedFactory(
        buyer=buyer, unit=buyer_unit, open=True, pilot=True, title="Pilot: smart skole"
    )
    draft = NeedFactory(buyer=buyer, unit=buyer_unit, test_arena=need.test_arena, title="Utkast")

    html = client.get(f"/en/testarenaer/{need.test_arena.slug}/").content.decode()

    assert need.test_arena.suits in html and "testarena@afk.test" in html
    assert need.title in html and draft.title not in html


def test_buyer_creates_an_arena_for_its_unit(buyer_client, buyer_unit):
    response = buyer_client.post(
        "/en/innkjop/testarenaer/ny/",
        {
            "unit": buyer_unit.pk,
            "kind": "road",
            "name": "Fylkesvei 120",
            "description": "En strekning for testing av veisensorer.",
            "suits": "Sensorer, vintervedlikehold",
            "is_published": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    arena = TestArena.objects.get()
    assert (arena.owner, arena.unit, arena.slug) == (
        buyer_unit.organisation,
        buyer_unit,
        "fylkesvei-120",
    )


def test_arena_form_errors_in_both_languages(buyer_client, buyer_unit):
    english = buyer_client.post("/en/innkjop/testarenaer/ny/", {"unit": buyer_unit.pk})
    norwegian = buyer_client.post("/innkjop/testarenaer/ny/", {"unit": buyer_unit.pk})

    assert english.status_code == norwegian.status_code == 400
    assert 'id="id_name_error"' in english.content.decode()
    assert "This field is required." in english.content.decode()
    assert "Dette feltet er påkrevet." in norwegian.content.decode()


def test_a_unit_officer_cannot_create_an_arena_for_the_whole_organisation(
    buyer, procurement_officer
):
    with pytest.raises(PermissionDenied):
        arena_create(
            owner=buyer, by=procurement_officer, kind="school", name="X", description="Y", suits="Z"
        )


def test_another_organisations_arena_edit_answers_404(client, buyer_client, buyer):
    foreign = TestArenaFactory()
    own = TestArenaFactory(owner=buyer)

    assert buyer_client.get(f"/en/innkjop/testarenaer/{foreign.slug}/endre/").status_code == 404
    # a unit officer does not reach an arena of the whole organisation either
    assert buyer_client.get(f"/en/innkjop/testarenaer/{own.slug}/endre/").status_code == 404
