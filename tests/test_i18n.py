"""Languages: English pages in English, Bokmål pages in Bokmål, and the catalog check.

The page tests read strings from the base UI's own templates (their Bokmål comes from
locale/drafts/ui.po, merged into locale/nb/LC_MESSAGES/django.po and compiled), so they pass only
when the committed catalog is compiled, as a fresh clone must have it.
"""

from __future__ import annotations

import array
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import with_totp
from tests.factories.pages import make_home_page
from tests.html_helpers import parse

ROOT = Path(__file__).resolve().parent.parent
CHECK = ROOT / "scripts" / "check_messages.py"

# --- English under /en/, Bokmål under / -------------------------------------------------------


@pytest.mark.django_db
def test_login_page_in_english_under_en(client):
    page = parse(client.get("/en/accounts/login/"))

    assert page.first("html").get("lang") == "en"
    assert page.first("a", class_="ds-skip-link").text == "Skip to main content"
    assert page.first("nav", aria_label="Main menu")
    assert page.first("h1").text == "Sign in"


@pytest.mark.django_db
def test_login_page_in_bokmal_under_the_root(client):
    page = parse(client.get("/accounts/login/"))

    assert page.first("html").get("lang") == "nb"
    assert page.first("a", class_="ds-skip-link").text == "Gå til hovedinnholdet"
    nav = page.first("nav", aria_label="Hovedmeny")
    assert {a.text for a in nav.select("a")} >= {"Logg inn", "Registrer deg"}
    assert page.first("h1").text == "Logg inn"


@pytest.mark.django_db
def test_dashboard_in_both_languages(client, supplier_admin):
    client.force_login(supplier_admin)

    english = parse(client.get("/en/min-side/"))
    bokmal = parse(client.get("/min-side/"))

    assert english.first("html").get("lang") == "en"
    assert english.first("h1").text == "My page"
    assert "Your organisations" in english.first("main").text
    assert bokmal.first("html").get("lang") == "nb"
    assert bokmal.first("h1").text == "Min side"
    assert "Organisasjonene dine" in bokmal.first("main").text
    assert f"Velkommen, {supplier_admin.full_name}!" in bokmal.first("main").text


@pytest.mark.django_db
def test_home_page_in_both_languages(client):
    make_home_page()

    english = parse(client.get("/en/"))
    bokmal = parse(client.get("/"))

    assert english.first("html").get("lang") == "en"
    assert english.first("h2", id="how-heading").text == "How it works"
    assert bokmal.first("html").get("lang") == "nb"
    assert bokmal.first("h2", id="how-heading").text == "Slik fungerer det"


@pytest.mark.django_db
def test_404_page_in_the_language_of_the_address(client):
    bokmal = client.get("/finnes-ikke/")
    english = client.get("/en/does-not-exist/")

    assert bokmal.status_code == english.status_code == 404
    assert parse(bokmal).first("h1").text == "Fant ikke siden"
    assert parse(english).first("h1").text == "Page not found"


@pytest.mark.django_db
def test_mfa_requirement_is_explained_in_bokmal(client, buyer):
    from marketplace.models import Role
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory(email="ny.innkjoper@afk.test", full_name="Nina Innkjøper")
    MembershipFactory(user=user, organisation=buyer, role=Role.PROCUREMENT_OFFICER)
    client.force_login(user)

    response = client.get("/min-side/", follow=True)

    alerts = parse(response).first("main").select("div", class_="ds-alert")
    assert any("Rollen din krever tofaktorautentisering" in alert.text for alert in alerts)
    with_totp(user)
    assert client.get("/min-side/").status_code == 200


# --- scripts/check_messages.py ----------------------------------------------------------------

HEADER = (
    'msgid ""\n'
    'msgstr ""\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
)
GOOD_PO = (
    HEADER
    + """
#: templates/base.html:3
msgid "Skip to main content"
msgstr "Gå til hovedinnholdet"

#, python-format
msgid "Welcome, %(name)s!"
msgstr ""
"Velkommen, "
"%(name)s!"

msgctxt "menu"
msgid "Inbox"
msgstr "Innboks"

#, python-format
msgid "(%(counter)s unread)"
msgid_plural "(%(counter)s unread)"
msgstr[0] "(%(counter)s ulest)"
msgstr[1] "(%(counter)s uleste)"

msgid "Say \\"hi\\"\\n"
msgstr "Si \\"hei\\"\\n"

#~ msgid "Gone"
#~ msgstr ""
"""
)
GOOD_CATALOG = {
    "Skip to main content": "Gå til hovedinnholdet",
    "Welcome, %(name)s!": "Velkommen, %(name)s!",
    "menu\x04Inbox": "Innboks",
    ("(%(counter)s unread)", "(%(counter)s unread)"): [
        "(%(counter)s ulest)",
        "(%(counter)s uleste)",
    ],
    'Say "hi"\n': 'Si "hei"\n',
}


def write_mo(path: Path, catalog: dict, header: str = "Content-Type: text/plain; charset=UTF-8\n"):
    """A GNU .mo file, laid out as msgfmt (and CPython's Tools/i18n/msgfmt.py) lay it out."""
    messages = {b"": header.encode()}
    for key, value in catalog.items():
        if isinstance(key, tuple):
            messages[b"\0".join(part.encode() for part in key)] = b"\0".join(
                form.encode() for form in value
            )
        else:
            messages[key.encode()] = value.encode()
    keys = sorted(messages)
    ids = strs = b""
    offsets = []
    for key in keys:
        offsets.append((len(ids), len(key), len(strs), len(messages[key])))
        ids += key + b"\0"
        strs += messages[key] + b"\0"
    key_start = 7 * 4 + 16 * len(keys)
    value_start = key_start + len(ids)
    key_offsets: list[int] = []
    value_offsets: list[int] = []
    for id_offset, id_length, str_offset, str_length in offsets:
        key_offsets += [id_length, id_offset + key_start]
        value_offsets += [str_length, str_offset + value_start]
    output = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + len(keys) * 8, 0, 0)
    output += array.array("i", key_offsets + value_offsets).tobytes() + ids + strs
    path.write_bytes(output)


def make_catalog(locale_dir: Path, po_text: str, catalog: dict | None) -> Path:
    folder = locale_dir / "nb" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po_path = folder / "django.po"
    po_path.write_text(po_text, encoding="utf-8")
    if catalog is not None:
        write_mo(folder / "django.mo", catalog)
    return po_path


def run_check(locale_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(CHECK), str(locale_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def problems(result: subprocess.CompletedProcess) -> list[str]:
    return result.stdout.strip().splitlines()


def test_check_passes_without_a_locale_folder(tmp_path):
    result = run_check(tmp_path / "locale")

    assert result.returncode == 0, result.stdout


def test_check_passes_a_complete_compiled_catalog(tmp_path):
    make_catalog(tmp_path / "locale", GOOD_PO, GOOD_CATALOG)

    result = run_check(tmp_path / "locale")

    assert result.returncode == 0, result.stdout


def test_check_reports_fuzzy_and_untranslated_entries_one_line_each(tmp_path):
    po_text = GOOD_PO + (
        '\n#, fuzzy\nmsgid "Log in"\nmsgstr "Logg inn"\n'
        '\nmsgid "Log out"\nmsgstr ""\n'
        '\nmsgid "%(n)s bid"\nmsgid_plural "%(n)s bids"\nmsgstr[0] "%(n)s tilbud"\nmsgstr[1] ""\n'
    )
    make_catalog(tmp_path / "locale", po_text, GOOD_CATALOG)

    result = run_check(tmp_path / "locale")

    assert result.returncode == 1
    lines = problems(result)
    assert len(lines) == 3, lines
    assert "fuzzy entry 'Log in'" in lines[0]
    assert "untranslated entry 'Log out'" in lines[1]
    assert "untranslated entry '%(n)s bid'" in lines[2]
    assert all(line.startswith(str(tmp_path)) for line in lines)


def test_check_reports_a_missing_compiled_catalog(tmp_path):
    make_catalog(tmp_path / "locale", GOOD_PO, None)

    result = run_check(tmp_path / "locale")

    assert result.returncode == 1
    assert problems(result) == [
        f"{tmp_path}/locale/nb/LC_MESSAGES/django.mo: missing; compile the catalog (make messages)"
    ]


def test_check_reports_a_compiled_catalog_that_lags_behind_the_po(tmp_path):
    stale = dict(GOOD_CATALOG)
    stale["Skip to main content"] = "Hopp til innhold"  # the .po was edited after compiling
    del stale["menu\x04Inbox"]  # added to the .po after compiling
    stale["Removed"] = "Fjernet"  # removed from the .po after compiling
    make_catalog(tmp_path / "locale", GOOD_PO, stale)

    result = run_check(tmp_path / "locale")

    assert result.returncode == 1
    text = result.stdout
    assert "lacks 'Inbox'" in text
    assert "has 'Removed', which the .po does not" in text
    assert "differs from the .po for 'Skip to main content'" in text
    assert len(problems(result)) == 3


def test_check_compares_plural_forms(tmp_path):
    wrong_plural = dict(GOOD_CATALOG)
    wrong_plural[("(%(counter)s unread)", "(%(counter)s unread)")] = [
        "(%(counter)s ulest)",
        "(%(counter)s ulest)",
    ]
    make_catalog(tmp_path / "locale", GOOD_PO, wrong_plural)

    result = run_check(tmp_path / "locale")

    assert result.returncode == 1
    assert problems(result) == [
        f"{tmp_path}/locale/nb/LC_MESSAGES/django.mo: differs from the .po for "
        "'(%(counter)s unread)' (plural form 1); recompile it"
    ]


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext's msgfmt is not installed")
def test_check_agrees_with_gnu_msgfmt(tmp_path):
    po_path = make_catalog(tmp_path / "locale", GOOD_PO, None)
    subprocess.run(
        ["msgfmt", "-o", str(po_path.with_suffix(".mo")), str(po_path)], check=True, timeout=60
    )

    result = run_check(tmp_path / "locale")

    assert result.returncode == 0, result.stdout
