from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from marketplace.models import CpvCode

HEADER = (
    "code,code_with_check_digit,name_en,name_nb,level,significant_digits,parent_code,division\n"
)


def _real_file() -> Path:
    path = Path(settings.PILOTMARKED_DATA_DIR) / "cpv_2008_main_en_nb.csv"
    if not path.exists():
        pytest.fail(f"{path} is missing: set PILOTMARKED_DATA_DIR to the shared reference data")
    return path


def _import(path, *args) -> str:
    out = StringIO()
    call_command("import_cpv", str(path), *args, stdout=out, stderr=out)
    return out.getvalue()


def _write(tmp_path, body: str) -> Path:
    path = tmp_path / "cpv.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


SMALL = (
    "72000000,72000000-5,IT services,Datatjenester,division,2,,72\n"
    "72200000,72200000-7,Software programming,Programmering,group,3,72000000,72\n"
)


@pytest.mark.django_db
def test_real_file_imports_every_code_and_second_run_changes_nothing():
    # when
    first = _import(_real_file())
    second = _import(_real_file())

    # then
    assert CpvCode.objects.count() == 9454
    counts = {level: CpvCode.objects.filter(level=level).count() for level in CpvCode.Level.values}
    assert counts == {"division": 45, "group": 272, "class": 1002, "category": 8135}
    it = CpvCode.objects.get(code="72000000")
    assert it.name_en == "IT services: consulting, software development, Internet and support"
    assert it.name_nb == (
        "Datatjenester: rådgivning, programvareutvikling, internett og systemstøtte"
    )
    assert it.code_with_check_digit == "72000000-5"
    assert CpvCode.objects.get(code="72212000").parent_id == "72210000"
    assert "9454 created, 0 updated, 0 unchanged" in first
    assert "  rows checked: 1000 [" in first  # progress lines on stderr, not a terminal
    assert "  rows checked: 9000 [" in first
    assert "0 created, 0 updated, 9454 unchanged" in second


@pytest.mark.django_db
def test_broken_line_leaves_an_existing_import_untouched(tmp_path):
    # given a full import, and a copy of the file with one line cut short
    _import(_real_file())
    lines = _real_file().read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace("Agricultural", "Changed")  # would be an update
    lines[5000] = "99999999,broken\n"
    broken = tmp_path / "broken.csv"
    broken.write_text("".join(lines), encoding="utf-8")

    # when / then
    with pytest.raises(CommandError, match=r"^line 5001: "):
        _import(broken)
    assert CpvCode.objects.count() == 9454
    assert CpvCode.objects.get(code="03000000").name_en.startswith("Agricultural")


@pytest.mark.django_db
def test_verbosity_zero_is_silent_and_dry_run_writes_nothing(tmp_path):
    path = _write(tmp_path, SMALL)

    out = _import(path, "--dry-run")
    assert "Dry run" in out and "2 created" in out
    assert not CpvCode.objects.exists()

    assert _import(path, "-v0") == ""
    assert CpvCode.objects.count() == 2


@pytest.mark.django_db
def test_changed_label_is_updated(tmp_path):
    _import(_write(tmp_path, SMALL))

    out = _import(_write(tmp_path, SMALL.replace("Programmering", "Programvare")))

    assert "0 created, 1 updated, 1 unchanged" in out
    assert "updated: 72200000" in out
    assert CpvCode.objects.get(code="72200000").name_nb == "Programvare"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("72200000,72100000-7,Software,Programmering,group,3,72000000,72", "check digit"),
        ("72200000,72200000-X,Software,Programmering,group,3,72000000,72", "12345678-9"),
        ("7220000,7220000-7,Software,Programmering,group,3,72000000,72", "not 8 digits"),
        ("72200000,72200000-7,Software,Programmering,chapter,3,72000000,72", "unknown level"),
        ("72200000,72200000-7,Software,Programmering,class,3,72000000,72", "does not fit"),
        ("72200000,72200000-7,Software,Programmering,group,3,45000000,72", "not above"),
        ("72200000,72200000-7,Software,,group,3,72000000,72", "name_nb is empty"),
        ("72200000,72200000-7,Software,Programmering,group,3", "expected 8 columns"),
    ],
)
def test_malformed_rows_are_refused_with_their_line(tmp_path, row, reason):
    path = _write(tmp_path, "72000000,72000000-5,IT services,Datatjenester,division,2,,72\n" + row)

    with pytest.raises(CommandError) as error:
        _import(path)

    assert str(error.value).startswith("line 3: ")
    assert reason in str(error.value)
    assert not CpvCode.objects.exists()


@pytest.mark.django_db
def test_unknown_parent_is_refused_unless_in_the_database(tmp_path):
    child = "72210000,72210000-0,Programming,Programmering,class,4,72200000,72\n"
    path = _write(tmp_path, child)

    with pytest.raises(CommandError, match="line 2: parent_code 72200000 of 72210000 is neither"):
        _import(path)

    _import(_write(tmp_path, SMALL))
    assert "1 created" in _import(_write(tmp_path, child))


@pytest.mark.django_db
def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        _import(tmp_path / "nope.csv")
