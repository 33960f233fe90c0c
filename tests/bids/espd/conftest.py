"""An above-threshold tender with the default ESPD request, and a joint draft bid on it: the
lead supplier (with a profile) and a confirmed consortium partner."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from bids.espd import answers as espd_answers
from bids.espd.taxonomy import groups

# Sample answers by data type; every indicator is "no", so no conditional part is asked.
SAMPLE = {
    "INDICATOR": "false",
    "DATE": "2025-06-30",
    "PERIOD": "2025-01-01/2025-12-31",
    "AMOUNT": "12500000",
    "DESCRIPTION": "Drift av ladestasjoner for Viken fylkeskommune",
    "EVIDENCE_IDENTIFIER": "https://w2.brreg.no/eHandel/",
    "QUANTITY_INTEGER": "12",
    "CODE_COUNTRY": "NOR",
    "ECONOMIC_OPERATOR_IDENTIFIER": "923609016",
    "CODE": "group-lead",
}


def complete_answers(criteria, answers=None) -> dict[str, str]:
    """Answer every question asked (filling in, then looking again at what is asked)."""
    answers = dict(answers or {})
    for _round in range(10):
        added = False
        for criterion in criteria:
            for item in espd_answers.asked(groups(criterion.xml), answers):
                if item.property.id not in answers:
                    answers[item.property.id] = SAMPLE.get(item.property.value_type, "Ja")
                    added = True
        if not added:
            return answers
    return answers


def edm_available() -> bool:
    return (Path(str(settings.ESPD_EDM_DIR)) / "ubl-2.3").exists()


needs_edm = pytest.mark.skipif(
    not edm_available(), reason="the ESPD-EDM files (ESPD_EDM_DIR) are not available"
)


@pytest.fixture
def espd_tender(db, buyer, buyer_unit, procurement_officer):
    """A draft above the EEA threshold, given the default ESPD request, then published."""
    from bids.espd.services import espd_request_set
    from tenders.models import Tender
    from tests.factories import TenderFactory
    from tests.factories.espd import default_espd_criteria

    tender = TenderFactory(
        buyer=buyer,
        unit=buyer_unit,
        threshold_band="eea",
        estimated_value="9000000",
        title="Ladestasjoner i Akershus",
    )
    espd_request_set(tender=tender, criteria=default_espd_criteria(), by=procurement_officer)
    Tender.objects.filter(pk=tender.pk).update(
        status=Tender.Status.PUBLISHED, published_at=timezone.now() - datetime.timedelta(days=1)
    )
    tender.refresh_from_db()
    return tender


@pytest.fixture
def lead(db):
    from marketplace.models import SmeCategory
    from tests.factories import SupplierFactory
    from tests.factories.profiles import SupplierProfileFactory

    supplier = SupplierFactory(name="Fjordlys Teknologi AS", website="https://fjordlys.test")
    SupplierProfileFactory(
        organisation=supplier,
        street_address="Storgata 1",
        postal_code="0155",
        postal_place="Oslo",
        employee_band="10-49",
        turnover_band="20-100m",
    )
    assert supplier.profile.sme_category in (SmeCategory.SMALL, SmeCategory.MEDIUM)
    return supplier


@pytest.fixture
def lead_user(lead):
    from tests.factories.bid_evaluation import supplier_user

    return supplier_user(lead, "post@fjordlys.test")


@pytest.fixture
def partner(db):
    from tests.factories import SupplierFactory

    return SupplierFactory(name="Vei og Sensor AS")


@pytest.fixture
def partner_user(partner):
    from tests.factories.bid_evaluation import supplier_user

    return supplier_user(partner, "post@veiogsensor.test")


@pytest.fixture
def joint_draft(espd_tender, lead, lead_user, partner, partner_user):
    """A complete joint draft (prices, answers) whose ESPD responses are not yet given."""
    from bids.services.consortium import consortium_invite, consortium_respond
    from tests.factories.bids import draft_bid

    bid = draft_bid(tender=espd_tender, supplier=lead, by=lead_user)
    member = consortium_invite(bid=bid, by=lead_user, org_number=partner.org_number)
    consortium_respond(member=member, by=partner_user, accept=True)
    bid.refresh_from_db()
    return bid


def save_complete(bid, organisation, user):
    from bids.espd.services import (
        espd_response_save,
        request_criteria,
        request_for,
        response_content_or_prefill,
    )

    content = response_content_or_prefill(bid, organisation)
    content.answers = complete_answers(request_criteria(request_for(bid.tender)), content.answers)
    return espd_response_save(bid=bid, organisation=organisation, content=content, by=user)
