"""``manage.py eforms_notice``: writes the notice, or exits non-zero with the reason in words."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from lxml import etree

pytestmark = pytest.mark.django_db


def test_writes_the_notice_without_the_sdk_when_told_not_to_validate(tmp_path, settings, below):
    settings.EFORMS_SDK_DIR = ""
    output = tmp_path / "notice.xml"

    call_command("eforms_notice", below.reference, "--no-validate", "--output", str(output))

    assert etree.QName(etree.parse(str(output)).getroot()).localname == "ContractNotice"


def test_says_that_validation_is_not_configured(tmp_path, settings, below):
    settings.EFORMS_SDK_DIR = ""

    with pytest.raises(CommandError, match="EFORMS_SDK_DIR"):
        call_command("eforms_notice", below.reference, "--output", str(tmp_path / "n.xml"))
    assert not (tmp_path / "n.xml").exists()


def test_names_an_unknown_reference(db):
    with pytest.raises(CommandError, match="No tender of ours"):
        call_command("eforms_notice", "AFK-1999-9999")


def test_an_award_notice_before_award_is_refused_in_words(below):
    with pytest.raises(CommandError, match="after the tender is awarded"):
        call_command("eforms_notice", below.reference, "--kind", "award", "--no-validate")


@pytest.mark.eforms_rules
def test_writes_a_valid_award_notice(eforms_rules, tmp_path, awarded):
    output = tmp_path / "award.xml"

    call_command("eforms_notice", awarded.reference, "--kind", "award", "--output", str(output))

    assert b"ContractAwardNotice" in output.read_bytes()


@pytest.mark.eforms_rules
def test_an_invalid_notice_exits_non_zero_reason_first(eforms_rules, tmp_path, settings, above):
    settings.EFORMS_BUYER_ADDRESSES = {"930580783": {"phone": "+47 00 00 00 00"}}
    output = tmp_path / "n.xml"

    with pytest.raises(CommandError) as refused, translation.override("en"):
        call_command("eforms_notice", above.reference, "--output", str(output))

    first, *problems = str(refused.value).splitlines()
    assert first.startswith("The notice is not valid")
    assert any("BT-513" in line and "city" in line for line in problems)
    assert not output.exists()


@pytest.mark.eforms_rules
def test_a_closed_tenders_contract_notice_says_the_deadline_has_passed(eforms_rules, awarded):
    with pytest.raises(CommandError) as refused, translation.override("en"):
        call_command("eforms_notice", awarded.reference, "--kind", "contract")

    first, second, *_problems = str(refused.value).splitlines()
    assert first.startswith("The submission deadline (") and "has passed" in first
    assert second.startswith("The notice is not valid")
