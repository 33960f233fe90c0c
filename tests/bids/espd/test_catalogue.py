"""The criteria catalogue: the default set shipped with the code (data migration) and the import
of the whole ESPD-EDM taxonomy."""

from __future__ import annotations

from django.core.management import call_command

from bids.espd.catalogue import default_rows
from bids.espd.names import ALWAYS_CODES, DEFAULT_CODES
from bids.espd.taxonomy import read_taxonomy
from bids.models import EspdCriterion

from .conftest import needs_edm


def test_the_default_set_is_in_the_database_without_the_espd_files(db):
    codes = set(EspdCriterion.objects.values_list("code", flat=True))
    assert set(DEFAULT_CODES) | set(ALWAYS_CODES) <= codes
    crime = EspdCriterion.objects.get(code="crime-org")
    assert crime.kind == "exclusion" and crime.is_default
    assert crime.name_nb == "Deltakelse i en kriminell organisasjon"
    assert crime.uuid == "005eb9ed-1347-4ca3-bb29-9bc0db64e1ab"
    assert EspdCriterion.objects.get(code="gen-year-to").kind == "selection"


@needs_edm
def test_the_shipped_defaults_match_the_taxonomy():
    taxonomy = {spec.uuid: spec for spec in read_taxonomy()}
    for row in default_rows():
        assert taxonomy[row["uuid"]].xml == row["xml"], row["code"]


@needs_edm
def test_the_import_loads_the_whole_taxonomy(db):
    call_command("espd_import_criteria", verbosity=0)
    assert EspdCriterion.objects.count() == len(read_taxonomy()) == 62
    assert EspdCriterion.objects.filter(kind="exclusion").count() == 24
    assert EspdCriterion.objects.filter(is_default=True).count() == len(DEFAULT_CODES)
