"""The check issue 15 names: every notice that applies to a demo tender (contract notice when
published, change notice after an amendment, award notice after award) is valid by the XSD and
the rule set for its form, with the DEFAULT eForms settings (conftest's dummy buyer telephone and
review body are switched off here: the demo must validate as an operator first runs it)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from config.settings import base
from tenders.eforms.notices import notice_xml
from tenders.eforms.rulesets import EU, NATIONAL_E
from tenders.eforms.validation import validate
from tenders.models import Criterion, Tender

pytestmark = [pytest.mark.django_db, pytest.mark.eforms_rules]


@pytest.fixture(autouse=True)
def _eforms_settings(settings):
    """Overrides conftest's: the defaults of config/settings/base.py, not dummy numbers."""
    settings.EFORMS_BUYER_ADDRESSES = base.EFORMS_BUYER_ADDRESSES
    settings.EFORMS_REVIEW_BODY = base.EFORMS_REVIEW_BODY
    settings.EFORMS_DEFAULT_NUTS = base.EFORMS_DEFAULT_NUTS


@pytest.fixture
def demo(settings):
    settings.OCDS_OCID_PREFIX = "ocds-test01-pilotmarked-"
    call_command("seed_demo", force=True, quiet_logins=True, stdout=StringIO())
    return list(Tender.objects.own().order_by("reference"))


def applicable_kinds(tender: Tender) -> list[str]:
    kinds = []
    if tender.status == Tender.Status.PUBLISHED:
        kinds.append("contract")
        if tender.amendments.exists():
            kinds.append("change")
    if tender.status == Tender.Status.AWARDED:
        kinds.append("award")
    return kinds


def test_every_demo_notice_that_applies_is_valid_by_xsd_and_its_rules(eforms_rules, demo):
    judged = []
    failures = {}
    for tender in demo:
        for kind in applicable_kinds(tender):
            notice = notice_xml(tender, kind=kind)
            report = validate(notice.xml)
            judged.append((tender.reference, kind, notice.subtype, report.checks[-1]))
            if not report.valid:
                failures[(tender.reference, kind)] = [str(p) for p in report.problems]

    assert failures == {}
    # below and above the threshold, with lots, after an amendment, after an award
    forms = {(kind, subtype) for _reference, kind, subtype, _rules in judged}
    assert {("contract", "16"), ("change", "16"), ("contract", "E3"), ("award", "E4")} <= forms
    assert {rules for *_rest, rules in judged} == {EU, NATIONAL_E}
    assert len([j for j in judged if j[1] == "award"]) == 2


def test_the_rules_reject_a_national_tender_without_the_climate_criterion(eforms_rules, demo):
    # given the demo's national open tender, its climate criterion turned into plain quality
    tender = next(
        t for t in demo if t.status == Tender.Status.PUBLISHED and t.threshold_band != "eea"
    )
    tender.criteria.filter(kind=Criterion.Kind.CLIMATE).update(kind=Criterion.Kind.QUALITY)

    report = validate(notice_xml(tender, kind="contract").xml)

    assert report.checks == ["XSD", NATIONAL_E]
    assert not report.valid
    assert any("EFORMS-NOR-NATIONAL-EC-R001C" in str(p) for p in report.problems), [
        str(p) for p in report.problems
    ]
