"""``make search-quality``: the production matcher, the two BM25 references and the naive
baseline, measured on notices under both answer keys."""

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


def test_the_command_writes_every_ranker_under_both_keys_and_the_matcher_beats_the_baseline(
    notices, tmp_path, capsys
):
    target = tmp_path / "search-quality.md"

    call_command("search_quality", write=str(target))

    text = target.read_text()
    assert text.startswith("# Search quality")
    assert "- Notices with CPV codes: 24 (in 3 CPV groups; 3 main groups)" in text
    assert "| ranker | any group | main group | time for all queries |" in text
    shares = {}
    for line in text.splitlines():
        if line.startswith(("| explained matcher", "| BM25", "| naive baseline")):
            cells = line.split("|")
            shares[cells[1].split("(")[0].strip()] = tuple(
                float(cell.strip(" %")) for cell in cells[2:4]
            )
    assert set(shares) == {
        "explained matcher",
        "BM25",
        "BM25 + 5-NN CPV vote",
        "naive baseline",
    }
    # one code per notice: both keys agree; seven others share a group, so 70 % is the most
    assert all(any_group == main_group for any_group, main_group in shares.values())
    assert shares["explained matcher"][0] > shares["naive baseline"][0] + 5
    assert shares["explained matcher"][0] >= 55.0
    assert 0 < shares["BM25"][0] <= 70.0


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


def test_the_main_group_key_counts_only_notices_whose_main_codes_share_a_group():
    notices = [
        quality.Notice(1, "a", frozenset({"452", "722"}), main="452"),
        quality.Notice(2, "b", frozenset({"722", "452"}), main="722"),
        quality.Notice(3, "c", frozenset({"452"})),
    ]
    rankings = [[1, 2], [0, 2], [0, 1]]

    # any group: every pair shares 452 -> 2 of 10 places for each query
    assert quality.precision(notices, rankings, "any") == pytest.approx(0.2)
    # main group: 1 and 3 (main 452) find each other; 2 (main 722) finds none
    assert quality.precision(notices, rankings, "main") == pytest.approx((0.1 + 0 + 0.1) / 3)
    with pytest.raises(ValueError, match="Unknown answer key 'cpv'"):
        quality.precision(notices, rankings, "cpv")


TINY = [
    # text, groups; the stemmer makes "asfalten" and "asfalt" meet
    ("asfalt veier asfalt", {"452"}),  # 0
    ("asfalten på fylkesvei og veier", {"452"}),  # 1
    ("brøyting av veier", {"452", "909"}),  # 2
    ("programvare for skoler", {"722"}),  # 3
    ("programvare og app", {"722"}),  # 4
    ("vask av skoler", {"909"}),  # 5
    ("rengjøring av kontorer", {"909"}),  # 6
    ("konsulent for innkjøp", {"794"}),  # 7
]


def tiny_notices():
    return [
        quality.Notice(pk, text, frozenset(groups), main=min(groups))
        for pk, (text, groups) in enumerate(TINY)
    ]


def test_bm25_ranks_the_notices_sharing_the_rarer_words_first_and_never_one_sharing_none():
    run = quality.reference_rankings(tiny_notices())

    # "asfalt" is in two of eight notices, "veier" in three: 1 shares both, 2 only "veier"
    assert run.bm25[0] == [1, 2]
    # "skol" is shared with 5 and "programvar" with 4: both once, so the shorter notice first
    assert sorted(run.bm25[3]) == [4, 5]
    assert run.bm25[4] == [3]


def test_bm25_scores_come_from_rank_bm25_over_our_stems():
    from rank_bm25 import BM25Okapi

    notices = tiny_notices()
    index = BM25Okapi([quality.stems(notice.text) for notice in notices])

    scores = quality.bm25_scores(notices)

    assert quality.stems(notices[0].text) == ["asfalt", "veier", "asfalt"]
    # the query is each of its stems once
    assert scores[0] == pytest.approx(list(index.get_scores(["asfalt", "veier"])))
    assert scores[0][1] > scores[0][2] > 0 == scores[0][3]


def test_the_neighbours_vote_as_our_inference_does():
    # scores 3, 2, 1: group 452 gets 3 + 2, 909 gets 2 + 1 (60 %: kept), 722 gets 1 (20 %: not)
    votes = quality.vote_groups(
        [
            (3.0, frozenset({"452"})),
            (2.0, frozenset({"452", "909"})),
            (1.0, frozenset({"909"})),
            (1.0, frozenset({"722"})),
        ]
    )

    assert votes == {"452": 5.0, "909": 3.0}
    assert quality.vote_groups([]) == {}


def test_the_voted_reference_ranks_the_best_voted_group_first_and_bm25_breaks_ties():
    notices = tiny_notices()
    # query 0's BM25 order is 1, 5, 2 (a made-up score row): 452 gets 3 (1) + 2 (2) = 5 votes,
    # 909 gets 2.5 (5) + 2 (2) = 4.5, both kept; 1 and 2 are in the best-voted group
    row = [0.0, 3.0, 2.0, 0.0, 0.0, 2.5, 0.0, 0.0]
    scores = [row] + [[0.0] * len(notices) for _ in notices[1:]]

    run = quality.reference_rankings(notices, scores)

    assert run.bm25[0] == [1, 5, 2]
    # 5 drops behind 2, whose group has more votes; BM25 orders 1 before 2 in their group
    assert run.voted[0] == [1, 2, 5]
    assert run.inferred == 1
    assert run.inferred_right == 1
    # a notice sharing no word with anything is neither ranked nor inferred
    assert run.bm25[1:] == [[]] * (len(notices) - 1)
    assert run.voted[1:] == [[]] * (len(notices) - 1)
