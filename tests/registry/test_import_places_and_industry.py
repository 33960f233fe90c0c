from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Count

from marketplace.models import County, IndustryCode, Municipality


def _data(name: str) -> Path:
    path = Path(settings.PILOTMARKED_DATA_DIR) / name
    if not path.exists():
        pytest.fail(f"{path} is missing: set PILOTMARKED_DATA_DIR to the shared reference data")
    return path


def _run(command: str, *args) -> str:
    out = StringIO()
    call_command(command, *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_places_import_counties_municipalities_and_nuts_idempotently():
    _data("norway_counties_2024.csv")

    first = _run("import_places")
    second = _run("import_places")

    assert County.objects.count() == 15
    assert Municipality.objects.count() == 357
    nuts = dict(County.objects.values_list("number", "nuts_code"))
    assert nuts["03"] == "NO081"
    assert nuts["32"] == "NO084"
    assert nuts["18"] == "NO071"  # "Nordland - Nordlánnda" matches NUTS "Nordland"
    assert nuts["55"] == "NO072"  # "Troms - Romsa - Tromssa" matches "Troms/Romsa/Tromssa"
    assert Municipality.objects.get(number="3201").county.number == "32"
    assert "Counties: 15 created" in first
    assert "Counties: 0 created, 0 updated, 15 unchanged" in second
    assert "Municipalities: 0 created, 0 updated, 357 unchanged" in second


@pytest.mark.django_db
def test_places_import_completes_the_demo_county_without_duplicates():
    # given the demo's Akershus (same numbers as Kartverket)
    call_command("seed_demo", "--force", "--quiet-logins", stdout=StringIO())

    out = _run("import_places")

    assert County.objects.filter(number="32").count() == 1
    assert Municipality.objects.filter(county__number="32").count() == 21
    assert "Municipalities: 336 created, 0 updated, 21 unchanged" in out


@pytest.mark.django_db
def test_broken_municipality_file_changes_nothing(tmp_path):
    _run("import_places")
    lines = _data("norway_municipalities_2024.csv").read_text(encoding="utf-8").splitlines()
    lines[0:2] = [lines[0], "0301,Oslo (renamed),03,Oslo"]
    lines[10] = "3201,Bærum,03,Oslo"
    broken = tmp_path / "municipalities.csv"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(CommandError, match=r"^line 11: municipality 3201 does not belong"):
        _run("import_places", "--municipalities", broken)

    assert Municipality.objects.get(number="0301").name == "Oslo"
    assert Municipality.objects.count() == 357


@pytest.mark.django_db
def test_county_with_a_wrong_municipality_count_is_refused(tmp_path):
    counties = tmp_path / "counties.csv"
    counties.write_text("fylkesnummer,fylkesnavn,antall_kommuner\n03,Oslo,2\n", encoding="utf-8")
    municipalities = tmp_path / "municipalities.csv"
    municipalities.write_text(
        "kommunenummer,kommunenavn,fylkesnummer,fylkesnavn\n0301,Oslo,03,Oslo\n", encoding="utf-8"
    )

    with pytest.raises(CommandError, match="line 2: county 03 should have 2 municipalities"):
        _run("import_places", "--counties", counties, "--municipalities", municipalities)
    assert not County.objects.exists()


@pytest.mark.django_db
def test_industry_codes_import_all_levels_idempotently():
    path = _data("sn2007_naeringsgruppering_nb.csv")

    first = _run("import_industry_codes", path)
    second = _run("import_industry_codes", path)

    assert IndustryCode.objects.count() == 1811
    levels = dict(IndustryCode.objects.values_list("level").annotate(n=Count("pk")))
    assert levels == {1: 21, 2: 87, 3: 270, 4: 613, 5: 820}
    assert IndustryCode.objects.get(code="A").parent_id is None
    programming = IndustryCode.objects.get(code="62.010")
    assert programming.parent_id == "62.01"
    assert programming.name == "Programmeringstjenester"
    assert "1811 created" in first
    assert "0 created, 0 updated, 1811 unchanged" in second


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("62.01,62,4,Programmering,Programmering", "parentCode 62 is on level 2, not 3"),
        ("62.01,62.0,4,,Programmering", "name is empty"),
        ("6201,62.0,4,Programmering,Programmering", "is not a level 4 SN2007 code"),
        ("63.1,63,3,Databehandling,Databehandling", "neither in the file nor in the database"),
        ("62.01,62.0,7,Programmering,Programmering", "unknown level 7"),
    ],
)
def test_malformed_industry_rows_are_refused_with_their_line(tmp_path, row, reason):
    path = tmp_path / "sn2007.csv"
    path.write_text(
        "code,parentCode,level,name,shortName\n"
        "J,,1,Informasjon og kommunikasjon,Informasjon\n"
        "62,J,2,IT-tjenester,IT\n"
        "62.0,62,3,IT-tjenester,IT\n" + row + "\n",
        encoding="utf-8",
    )

    with pytest.raises(CommandError) as error:
        _run("import_industry_codes", path)

    assert str(error.value).startswith("line 5: ")
    assert reason in str(error.value)
    assert not IndustryCode.objects.exists()
