"""The history on a tender's public page labels what an amendment changed in the reader's
language: the tender's fields and its parts (lots, criteria, requirements, documents), which
amendments record under keys that are not field names."""

from __future__ import annotations

import pytest

from tenders.services.tender_snapshot import (
    CRITERIA_KEY,
    DOCUMENTS_KEY,
    LOTS_KEY,
    REQUIREMENTS_KEY,
)
from tests.factories.tenders import AmendmentFactory, TenderFactory
from tests.html_helpers import parse

pytestmark = pytest.mark.django_db

CHANGES = {
    "title": {"before": "Old", "after": "New"},
    LOTS_KEY: {"before": ["1. North"], "after": ["1. North", "2. South"]},
    CRITERIA_KEY: {"before": ["Price (100 %)"], "after": ["Price (70 %)", "Quality (30 %)"]},
    REQUIREMENTS_KEY: {"before": [], "after": ["ISO 9001"]},
    DOCUMENTS_KEY: {"before": [], "after": ["terms.pdf (abcdef123456)"]},
}
LABELS = {
    "en": ["Title", "Lots", "Award criteria", "Qualification requirements", "Documents"],
    "nb": [
        "Tittel",
        "Delkontrakter",
        "Tildelingskriterier",
        "Kvalifikasjonskrav",
        "Dokumenter",
    ],
}


def _labels(client, tender, prefix: str) -> list[str]:
    page = parse(client.get(f"{prefix}/konkurranser/{tender.reference}/"))
    history = page.first("section", aria_labelledby="history-heading")
    return [row.first("th").text for row in history.select("tr")[1:]]


@pytest.mark.parametrize(("language", "prefix"), [("en", "/en"), ("nb", "")])
def test_amendment_history_labels_are_translated(client, language, prefix):
    tender = TenderFactory(published=True)
    AmendmentFactory(tender=tender, number=1, summary="Lots and criteria.", changes=CHANGES)

    labels = _labels(client, tender, prefix)

    assert labels == LABELS[language]
    assert not set(labels) & set(CHANGES)  # no raw keys shown


def test_title_is_not_a_persons_job_title_in_bokmal(client):
    # "Title" alone means a person's job title ("Stilling") in the Bokmål catalogue.
    tender = TenderFactory(published=True)
    AmendmentFactory(tender=tender, number=1, changes={"title": CHANGES["title"]})

    assert _labels(client, tender, "") == ["Tittel"]
