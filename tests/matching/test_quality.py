"""``make search-quality``: the production matcher and the naive baseline, measured on notices."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from matching import quality
from matching.management.commands.search_quality import merge_section
from tests.factories import TenderFactory

GROUPS = {
    "45233141": [
        "Asfaltering av fylkesvei",
        "Vedlikehold av veier og fortau",
        "Reasfaltering og lapping av veidekke",
        "Vinterdrift og brøyting av kommunale veier",
        "Oppmerking og asfaltering av gang- og sykkelvei",
        "Veivedlikehold med asfaltering og grøfterensk",
        "Drift og vedlikehold av fylkesveier",
        "Lapping av hull i asfalt på kommunale veier",
    ],
    "72212000": [
        "Programvare for timebestilling",
        "Utvikling av app for skoleskyss",
        "Programvareutvikling for saksbehandling",
        "Ny fagprogramvare for byggesak",
        "Programvare og app for innbyggerdialog",
        "Skybasert programvare for arkiv",
        "Utvikling og drift av programvare for skoler",
        "Mobilapp og programvare for parkering",
    ],
    "90511000": [
        "Innsamling av husholdningsavfall",
        "Henting av avfall og renovasjon",
        "Tømming av avfallsbeholdere ved skoler",
        "Renovasjon og innsamling av matavfall",
        "Innsamling av papir og plastavfall",
        "Avfallshenting fra kommunale bygg",
        "Renovasjonstjenester og innsamling av glass",
        "Tømming av nedgravde avfallscontainere",
    ],
}


@pytest.fixture
def notices(db):
    """Eight imported notices in each of three CPV groups; every one is an Oslo framework
    agreement, which a word count alone cannot see past."""
    return [
        TenderFactory(
            external=True,
            title=title,
            description=f"Rammeavtale for Oslo kommune om levering: {title.lower()}.",
            external_cpv_codes=[f"{code}-1"],
            main_cpv=None,
        )
        for code, titles in GROUPS.items()
        for title in titles
    ]


def test_the_command_writes_both_rankers_and_the_matcher_beats_the_baseline(
    notices, tmp_path, capsys
):
    target = tmp_path / "search-quality.md"

    call_command("search_quality", write=str(target))

    text = target.read_text()
    assert text.startswith("# Search quality")
    assert "- Notices with CPV codes: 24 (in 3 CPV groups)" in text
    shares = {}
    for line in text.splitlines():
        if line.startswith(("| explained matcher", "| naive baseline")):
            shares[line.split("(")[0].strip("| ")] = float(line.split("|")[2].strip(" %"))
    # each notice has seven others in its group, so 70 % is the most a ranker can get here
    assert shares["explained matcher"] > shares["naive baseline"] + 5
    assert shares["explained matcher"] >= 55.0


def test_too_few_notices_is_a_clear_error(db):
    TenderFactory(external=True, external_cpv_codes=["72212000-4"])
    with pytest.raises(CommandError, match="Only 1 notices with CPV codes; import them first"):
        call_command("search_quality")


def test_each_database_replaces_only_its_own_section():
    existing = "# Old intro\n\n## On SQLite\n\nold sqlite\n\n## On PostgreSQL\n\nold postgres\n"

    merged = merge_section(existing, "postgresql", "## On PostgreSQL\n\nnew postgres", "# Intro")

    assert merged == "# Intro\n\n## On SQLite\n\nold sqlite\n\n## On PostgreSQL\n\nnew postgres\n"


def test_precision_counts_empty_places_as_misses():
    notices = [
        quality.Notice(1, "a", frozenset({"452"})),
        quality.Notice(2, "b", frozenset({"452"})),
        quality.Notice(3, "c", frozenset({"722"})),
    ]
    # the first query found one neighbour in its group and one outside: 1 of 10 places
    assert quality.precision(notices, [[1, 2], [], []]) == pytest.approx(0.1 / 3)
